using TypedIo.SocketIo;

namespace TypedIo;

/// <summary>One call of a hub method: the event that caused it and its bound arguments.</summary>
/// <remarks>
/// A value, not an object: the generated method reads it when it is called, and a struct costs no allocation per event.
/// </remarks>
public readonly struct HubInvocation
{
    internal HubInvocation(SocketEvent socketEvent, object?[] arguments, CancellationToken socketAborted)
    {
        Event = socketEvent;
        Arguments = arguments;
        SocketAborted = socketAborted;
    }

    /// <summary>The incoming event (socket, name, raw arguments, ack).</summary>
    public SocketEvent Event { get; }

    /// <summary>The arguments bound to the method's wire parameters, in order.</summary>
    public object?[] Arguments { get; }

    /// <summary>Cancelled when the socket disconnects: what a trailing <c>CancellationToken</c> parameter receives.</summary>
    public CancellationToken SocketAborted { get; }
}
