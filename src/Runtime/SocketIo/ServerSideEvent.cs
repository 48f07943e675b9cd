namespace TypedIo.SocketIo;

/// <summary>
/// An event another server node sent with <see cref="Namespace.ServerSideEmit"/> (Node's
/// <c>nsp.on(event, ...)</c> for server-side emits). Only a multi-node adapter delivers these: with the in-memory
/// adapter there is no other node.
/// </summary>
public sealed class ServerSideEvent
{
    private readonly Action<object?>? _ack;
    private int _acked;

    /// <summary>
    /// Creates the event (a multi-node adapter does, for what another node sent); <paramref name="ack"/> sends the answer
    /// back when the sender waits for one.
    /// </summary>
    public ServerSideEvent(string name, SocketArgs args, Action<object?>? ack = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(args);
        Name = name;
        Args = args;
        _ack = ack;
    }

    /// <summary>The event name.</summary>
    public string Name { get; }

    /// <summary>The arguments.</summary>
    public SocketArgs Args { get; }

    /// <summary>Whether the sending node waits for an answer (<see cref="Namespace.ServerSideEmitWithAckAsync"/>).</summary>
    public bool HasAck => _ack is not null;

    /// <summary>
    /// Answers the sending node with one value. Only the first answer is sent (one per node, as in Node); later ones
    /// and answers to an event without ack return false.
    /// </summary>
    public bool Ack(object? response)
    {
        if (_ack is null || Interlocked.Exchange(ref _acked, 1) != 0)
            return false;
        _ack(response);
        return true;
    }
}
