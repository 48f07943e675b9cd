namespace TypedIo.SocketIo;

// Rooms this socket joins and leaves, and the broadcast operators that start from it.
public sealed partial class Socket
{
    /// <summary>Joins <paramref name="room"/>.</summary>
    public void Join(string room) => Join([room]);

    /// <summary>
    /// Joins every room of <paramref name="rooms"/>. Works from connection middleware too (the rooms are left if the
    /// socket is refused); ignored once the socket has disconnected.
    /// </summary>
    public void Join(IEnumerable<string> rooms)
    {
        ArgumentNullException.ThrowIfNull(rooms);
        if (Volatile.Read(ref _closed) == 0)
            Namespace.Adapter.AddAll(Id, rooms);
    }

    /// <summary>Leaves <paramref name="room"/>.</summary>
    public void Leave(string room) => Namespace.Adapter.Delete(Id, room);

    /// <summary>
    /// This socket alone, with compression switched on or off for what is emitted through the result
    /// (Node's <c>socket.compress(false).emit(...)</c>).
    /// </summary>
    public BroadcastOperator Compress(bool compress) => new BroadcastOperator(Namespace, BroadcastOptions.All with { Rooms = [Id] }).Compress(compress);

    /// <summary>Every other socket of the namespace (this one excluded).</summary>
    public BroadcastOperator Broadcast => new(Namespace, BroadcastOptions.All with { Except = [Id] });

    /// <summary>The sockets in <paramref name="room"/>, this one excluded.</summary>
    public BroadcastOperator To(string room) => Broadcast.To(room);

    /// <summary>Same as <see cref="To"/>.</summary>
    public BroadcastOperator In(string room) => Broadcast.To(room);

    /// <summary>Every other socket of the namespace except those in <paramref name="room"/>.</summary>
    public BroadcastOperator Except(string room) => Broadcast.Except(room);
}
