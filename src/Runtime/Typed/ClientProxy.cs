using System.ComponentModel;
using TypedIo.SocketIo;

namespace TypedIo;

/// <summary>Creates a generated single-socket emitter (the generator implements it).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IClientProxy<TSelf>
    where TSelf : IClientProxy<TSelf>
{
    /// <summary>An emitter to <paramref name="socket"/>; acks time out after <paramref name="ackTimeout"/> (the server's default when null).</summary>
    static abstract TSelf Create(Socket socket, TimeSpan? ackTimeout);
}

/// <summary>
/// The base of a generated emitter to one socket: each server-to-client event is a method; one that returns a value
/// waits for the client's ack (<see cref="SocketAckTimeoutException"/> after the timeout).
/// </summary>
/// <typeparam name="TSelf">The generated emitter.</typeparam>
public abstract class ClientProxy<TSelf>
    where TSelf : ClientProxy<TSelf>, IClientProxy<TSelf>
{
    private readonly TimeSpan? _ackTimeout;

    /// <summary>Creates the emitter.</summary>
    protected ClientProxy(Socket socket, TimeSpan? ackTimeout)
    {
        ArgumentNullException.ThrowIfNull(socket);
        Socket = socket;
        _ackTimeout = ackTimeout;
    }

    /// <summary>The socket emitted to.</summary>
    public Socket Socket { get; }

    /// <summary>How long an ack is waited for: the per-call timeout, else <see cref="SocketIoOptions.AckTimeout"/>.</summary>
    public TimeSpan AckTimeout => _ackTimeout ?? Socket.Namespace.Server.Options.AckTimeout;

    /// <summary>The same emitter with another ack timeout.</summary>
    public TSelf WithTimeout(TimeSpan ackTimeout) => TSelf.Create(Socket, ackTimeout);

    /// <summary>Emits an event without ack.</summary>
    protected Task EmitAsync(string eventName, object?[] args) => Socket.EmitAsync(eventName, args).AsTask();

    /// <summary>Emits an event without ack whose arguments are received ones, as they came (a <see cref="SocketArgs"/> parameter).</summary>
    protected Task EmitAsync(string eventName, SocketArgs args) => Socket.EmitAsync(eventName, args).AsTask();

    /// <summary>Emits an event and reads the client's first ack argument as <typeparamref name="T"/>.</summary>
    /// <exception cref="SocketAckTimeoutException">No ack within <see cref="AckTimeout"/>.</exception>
    /// <exception cref="SocketDisconnectedException">The socket disconnected first.</exception>
    /// <exception cref="SocketAckException">The ack does not fit <typeparamref name="T"/>.</exception>
    protected async Task<T> InvokeAsync<T>(string eventName, object?[] args, bool allowsNull, CancellationToken cancellationToken)
    {
        var reply = await Socket.EmitWithAckAsync(eventName, args, AckTimeout, cancellationToken).ConfigureAwait(false);
        return AckReply.Read<T>(reply, eventName, allowsNull);
    }
}
