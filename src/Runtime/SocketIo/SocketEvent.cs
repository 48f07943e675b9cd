namespace TypedIo.SocketIo;

/// <summary>
/// One incoming event, as middleware and handlers see it: who sent it, its name and arguments, and the ack the
/// client asked for. Middleware can answer the ack itself (for example with an error) and stop the pipeline.
/// </summary>
public sealed class SocketEvent
{
    private readonly long _ackId; // -1 without ack (ack ids are never negative): 8 bytes less per event than a long?
    private int _acked;

    internal SocketEvent(Socket socket, string name, SocketArgs args, long? ackId)
    {
        Socket = socket;
        Name = name;
        Args = args;
        _ackId = ackId ?? -1;
    }

    /// <summary>The socket that sent the event.</summary>
    public Socket Socket { get; }

    /// <summary>The event name.</summary>
    public string Name { get; }

    /// <summary>The arguments (without the ack).</summary>
    public SocketArgs Args { get; }

    /// <summary>Whether the client is waiting for an ack.</summary>
    public bool HasAck => _ackId >= 0;

    /// <summary>Whether the ack was sent already.</summary>
    public bool IsAcknowledged => Volatile.Read(ref _acked) != 0;

    /// <summary>
    /// Answers the client's ack with <paramref name="args"/>. Only the first answer is sent; later ones, answers to an
    /// event without ack, and answers after the socket disconnected return false and send nothing. To send one array
    /// as a single argument, cast it to <see cref="object"/>: an array given alone is the argument list itself.
    /// </summary>
    public bool Ack(params object?[] args)
    {
        if (_ackId < 0 || Interlocked.Exchange(ref _acked, 1) != 0)
            return false;
        return Socket.SendAck(_ackId, Name, args);
    }
}
