using System.Collections.Concurrent;
using System.Threading.Channels;
using TypedIo.EngineIo;

namespace TypedIo.Tests.Infrastructure;

/// <summary>
/// An Engine.IO handler that records what happens, lets a test wait for it with a timeout, and optionally echoes.
/// </summary>
public sealed class RecordingHandler(bool echo = true) : IEngineIoHandler
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private readonly Channel<EngineIoSession> _connected = Channel.CreateUnbounded<EngineIoSession>();
    private readonly Channel<(EngineIoSession Session, string Reason)> _closed = Channel.CreateUnbounded<(EngineIoSession, string)>();
    private readonly Channel<(EngineIoSession Session, bool IsBinary, byte[] Data)> _messages = Channel.CreateUnbounded<(EngineIoSession, bool, byte[])>();

    public ConcurrentDictionary<string, EngineIoSession> Sessions { get; } = new();

    public ValueTask OnConnectedAsync(EngineIoSession session)
    {
        Sessions[session.Id] = session;
        _connected.Writer.TryWrite(session);
        return ValueTask.CompletedTask;
    }

    public ValueTask OnMessageAsync(EngineIoSession session, EngineMessage message)
    {
        var data = message.Data.ToArray();
        _messages.Writer.TryWrite((session, message.IsBinary, data));
        if (echo)
            session.Send(message.IsBinary ? EngineFrame.Binary(data) : EngineFrame.Message(data));
        return ValueTask.CompletedTask;
    }

    public void OnClosed(EngineIoSession session, string reason) => _closed.Writer.TryWrite((session, reason));

    public async Task<EngineIoSession> WaitConnectedAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        return await _connected.Reader.ReadAsync(cts.Token);
    }

    /// <summary>Waits for the close of the session <paramref name="sid"/> and returns its reason.</summary>
    public async Task<string> WaitClosedAsync(string sid, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        while (true)
        {
            var (session, reason) = await _closed.Reader.ReadAsync(cts.Token);
            if (session.Id == sid)
                return reason;
        }
    }

    public async Task<(bool IsBinary, byte[] Data)> WaitMessageAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        var (_, isBinary, data) = await _messages.Reader.ReadAsync(cts.Token);
        return (isBinary, data);
    }
}
