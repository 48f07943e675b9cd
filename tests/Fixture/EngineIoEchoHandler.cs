using TypedIo.EngineIo;

namespace TypedIo.Fixture;

/// <summary>The bare Engine.IO echo of the official profile: every message goes back unchanged.</summary>
internal sealed class EngineIoEchoHandler : IEngineIoHandler
{
    public ValueTask OnConnectedAsync(EngineIoSession session) => ValueTask.CompletedTask;

    public ValueTask OnMessageAsync(EngineIoSession session, EngineMessage message)
    {
        // The data is only valid during this call: the frame keeps its own copy.
        var frame = message.IsBinary
            ? EngineFrame.Binary(message.Data.ToArray())
            : EngineFrame.Message(message.Data.Span);
        session.Send(frame);
        return ValueTask.CompletedTask;
    }

    public void OnClosed(EngineIoSession session, string reason)
    {
    }
}
