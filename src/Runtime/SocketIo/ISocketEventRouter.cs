namespace TypedIo.SocketIo;

/// <summary>
/// A fixed table of handlers by event name for one socket, consulted after the handlers added with
/// <see cref="Socket.On(string, Func{SocketEvent, ValueTask})"/>. A typed hub routes its events through one.
/// </summary>
public interface ISocketEventRouter
{
    /// <summary>Starts handling <paramref name="socketEvent"/> when the router knows its name.</summary>
    /// <returns>False when the router has no handler for the event.</returns>
    bool TryRoute(SocketEvent socketEvent, out ValueTask handling);
}
