namespace TypedIo.SocketIo;

/// <summary>
/// One incoming event, as middleware and handlers see it: who sent it, its name and arguments, and the ack the
/// client asked for. Middleware can answer the ack itself (for example with an error) and stop the pipeline.
/// </summary>
public sealed class SocketEvent
{
    private const long NoAck = long.MinValue;

    // The client's ack id while unanswered, its complement (negative, never NoAck) once answered, NoAck without ack:
    // one field for the id and the answered flag, so an event is 48 bytes, not 56 (ack ids are never negative).
    private long _ack;

    internal SocketEvent(Socket socket, string name, SocketArgs args, long? ackId)
    {
        Socket = socket;
        Name = name;
        Args = args;
        _ack = ackId ?? NoAck;
    }

    /// <summary>The socket that sent the event.</summary>
    public Socket Socket { get; }

    /// <summary>The event name.</summary>
    public string Name { get; }

    /// <summary>The arguments (without the ack).</summary>
    public SocketArgs Args { get; }

    /// <summary>Whether the client is waiting for an ack.</summary>
    public bool HasAck => Volatile.Read(ref _ack) != NoAck;

    /// <summary>Whether the ack was sent already.</summary>
    public bool IsAcknowledged => Volatile.Read(ref _ack) is < 0 and not NoAck;

    /// <summary>
    /// Answers the client's ack with <paramref name="args"/>. Only the first answer is sent; later ones, answers to an
    /// event without ack, and answers after the socket disconnected return false and send nothing. To send one array
    /// as a single argument, cast it to <see cref="object"/>: an array given alone is the argument list itself.
    /// </summary>
    public bool Ack(params object?[] args)
    {
        var id = Volatile.Read(ref _ack);
        if (id < 0 || Interlocked.CompareExchange(ref _ack, ~id, id) != id)
            return false; // no ack, or answered already
        return Socket.SendAck(id, Name, args);
    }

    /// <summary>
    /// Answers the client's ack with received arguments as they came (binary included), for example
    /// <c>e.Ack(e.Args)</c> to send an event's arguments back: their JSON is written from the received bytes, without the
    /// JSON tree that <see cref="SocketArgs.ToEmitArgs"/> makes. Sent once, as <see cref="Ack(object[])"/>.
    /// </summary>
    public bool Ack(SocketArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var id = Volatile.Read(ref _ack);
        if (id < 0 || Interlocked.CompareExchange(ref _ack, ~id, id) != id)
            return false; // no ack, or answered already
        return Socket.SendAck(id, Name, [], args);
    }
}
