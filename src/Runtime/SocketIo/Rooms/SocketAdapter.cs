namespace TypedIo.SocketIo;

/// <summary>
/// Keeps which socket is in which room of one namespace and delivers broadcasts, as Node's socket.io-adapter.
/// The in-memory adapter serves one server; a multi-node adapter (Redis) derives from this class and forwards
/// broadcasts to the other nodes, without namespace or socket code changing.
/// </summary>
public abstract partial class SocketAdapter
{
    /// <summary>Creates the adapter of <paramref name="nsp"/>.</summary>
    protected SocketAdapter(Namespace nsp)
    {
        Namespace = nsp;
    }

    /// <summary>The namespace served.</summary>
    public Namespace Namespace { get; }

    /// <summary>
    /// Raised when a room gets its first member (Node's <c>create-room</c>), before <see cref="Joined"/>. A socket's own
    /// id room counts: it is created when the socket connects.
    /// </summary>
    public event Action<string>? RoomCreated;

    /// <summary>
    /// Raised when a room loses its last member (Node's <c>delete-room</c>), after <see cref="Left"/>; a socket's own id
    /// room is deleted when it disconnects.
    /// </summary>
    public event Action<string>? RoomDeleted;

    /// <summary>Raised when a socket joins a room: (room, socket id) (Node's <c>join-room</c>); not for a room it is in already.</summary>
    public event Action<string, string>? Joined;

    /// <summary>Raised when a socket leaves a room: (room, socket id) (Node's <c>leave-room</c>); not for a room it was not in.</summary>
    public event Action<string, string>? Left;

    /// <summary>Adds socket <paramref name="id"/> to <paramref name="rooms"/>.</summary>
    public abstract void AddAll(string id, IEnumerable<string> rooms);

    /// <summary>Removes socket <paramref name="id"/> from <paramref name="room"/>.</summary>
    public abstract void Delete(string id, string room);

    /// <summary>Removes socket <paramref name="id"/> from every room.</summary>
    public abstract void DeleteAll(string id);

    /// <summary>The rooms socket <paramref name="id"/> is in (a snapshot).</summary>
    public abstract IReadOnlySet<string> SocketRooms(string id);

    /// <summary>The ids of the sockets in any of <paramref name="rooms"/> (all sockets when empty).</summary>
    public abstract IReadOnlySet<string> Sockets(IReadOnlySet<string> rooms);

    /// <summary>The rooms of this node that have members (a snapshot), sockets' own id rooms included.</summary>
    public abstract IReadOnlySet<string> RoomNames();

    /// <summary>
    /// Every room of the namespace (socket.io's Redis adapter's <c>allRooms()</c>). This implementation returns this
    /// node's; a multi-node adapter adds those of the other nodes.
    /// </summary>
    public virtual Task<IReadOnlySet<string>> AllRoomsAsync() => Task.FromResult(RoomNames());

    /// <summary>Sends <paramref name="packet"/> to the sockets <paramref name="options"/> select.</summary>
    public abstract ValueTask BroadcastAsync(EncodedPacket packet, BroadcastOptions options);

    /// <summary>
    /// How many server nodes share this namespace (socket.io-adapter's <c>serverCount</c>): 1 for a single node. A
    /// broadcast with ack waits for that many <see cref="IBroadcastAckReceiver.OnSent(IReadOnlyCollection{string})"/> reports.
    /// </summary>
    public virtual ValueTask<int> ServerCountAsync() => ValueTask.FromResult(1);

    /// <summary>
    /// Sends <paramref name="packet"/>, which carries ack id <paramref name="ackId"/>, to the sockets
    /// <paramref name="options"/> select, and reports to <paramref name="receiver"/> whom it was sent to and each
    /// answer (socket.io-adapter's <c>broadcastWithAck</c>). This implementation serves the sockets of this node: it
    /// registers the id in each one's ack table, queues the same bytes to each, then calls
    /// <see cref="IBroadcastAckReceiver.OnSent(IReadOnlyCollection{string})"/> once. A multi-node adapter calls it for its own sockets, forwards
    /// the packet to the other nodes, and relays their reports.
    /// </summary>
    public virtual ValueTask BroadcastWithAckAsync(EncodedPacket packet, long ackId, BroadcastOptions options, IBroadcastAckReceiver receiver)
    {
        ArgumentNullException.ThrowIfNull(packet);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(receiver);
        var isVolatile = (options.Flags & BroadcastFlags.Volatile) != 0;
        if ((options.Flags & BroadcastFlags.NoCompress) != 0)
            packet = packet.WithoutCompression();
        var entry = BroadcastAckEntry.For(receiver);
        var recipients = new List<string>();
        var sent = 0;
        foreach (var socket in LocalSockets(options))
        {
            // Registered before the packet leaves, so an answer cannot arrive before the entry.
            if (!socket.ExpectAck(ackId, entry))
                continue;
            recipients.Add(socket.Id);
            if (socket.WriteFrames(packet, isVolatile))
                sent++;
        }
        Namespace.Server.Metrics.PacketsSent(Namespace.Name, sent);
        receiver.OnSent(recipients);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// The sockets <paramref name="options"/> select (socket.io-adapter's <c>fetchSockets</c>). This implementation
    /// returns this node's; a multi-node adapter adds those of the other nodes (unless
    /// <see cref="BroadcastFlags.Local"/>), built with <see cref="RemoteSocket(SocketAdapter, string, SocketHandshake, IReadOnlySet{string}, IReadOnlyDictionary{string, object?})"/>.
    /// </summary>
    public virtual Task<IReadOnlyList<RemoteSocket>> FetchSocketsAsync(BroadcastOptions options)
    {
        var sockets = LocalSockets(options);
        var result = new RemoteSocket[sockets.Count];
        for (var i = 0; i < result.Length; i++)
        {
            var socket = sockets[i];
            result[i] = new RemoteSocket(this, socket.Id, socket.Handshake, socket.Rooms, socket.DataSnapshot());
        }
        return Task.FromResult<IReadOnlyList<RemoteSocket>>(result);
    }

    /// <summary>
    /// Makes the sockets <paramref name="options"/> select join <paramref name="rooms"/> (socket.io-adapter's
    /// <c>addSockets</c>). This implementation acts on this node's sockets; a multi-node adapter also tells the others.
    /// </summary>
    public virtual void AddSockets(BroadcastOptions options, IReadOnlyCollection<string> rooms)
    {
        ArgumentNullException.ThrowIfNull(rooms);
        foreach (var socket in LocalSockets(options))
            socket.Join(rooms);
    }

    /// <summary>
    /// Makes the sockets <paramref name="options"/> select leave <paramref name="rooms"/> (socket.io-adapter's
    /// <c>delSockets</c>). This implementation acts on this node's sockets; a multi-node adapter also tells the others.
    /// </summary>
    public virtual void DeleteSockets(BroadcastOptions options, IReadOnlyCollection<string> rooms)
    {
        ArgumentNullException.ThrowIfNull(rooms);
        foreach (var socket in LocalSockets(options))
        {
            foreach (var room in rooms)
                socket.Leave(room);
        }
    }

    /// <summary>
    /// Disconnects the sockets <paramref name="options"/> select, closing their connections when
    /// <paramref name="close"/> (socket.io-adapter's <c>disconnectSockets</c>). This implementation acts on this
    /// node's sockets; a multi-node adapter also tells the others.
    /// </summary>
    public virtual void DisconnectSockets(BroadcastOptions options, bool close)
    {
        foreach (var socket in LocalSockets(options))
            socket.Disconnect(close);
    }

    /// <summary>
    /// Sends an event to the other server nodes of this namespace (socket.io-adapter's <c>serverSideEmit</c>); they
    /// receive it through <see cref="OnServerSideEmit"/>. A single node has no other node: this implementation sends
    /// nothing.
    /// </summary>
    public virtual void ServerSideEmit(string eventName, object?[] args) =>
        SocketIoLog.ServerSideEmitWithoutNodes(Namespace.Server.Logger, eventName, Namespace.Name);

    /// <summary>
    /// Sends an event to the other server nodes and collects one answer per node, for at most
    /// <paramref name="timeout"/>. A single node has no other node: this implementation completes at once with
    /// <see cref="ServerSideAckResult.Empty"/>.
    /// </summary>
    public virtual Task<ServerSideAckResult> ServerSideEmitWithAckAsync(string eventName, object?[] args, TimeSpan timeout, CancellationToken cancellationToken)
    {
        SocketIoLog.ServerSideEmitWithoutNodes(Namespace.Server.Logger, eventName, Namespace.Name);
        return Task.FromResult(ServerSideAckResult.Empty);
    }

    /// <summary>
    /// Delivers an event another node sent to the <see cref="Namespace.OnServerSideEmit(string, Func{ServerSideEvent, ValueTask})"/>
    /// listeners of this namespace (socket.io's <c>nsp._onServerSideEmit</c>). For multi-node adapters.
    /// </summary>
    protected void OnServerSideEmit(ServerSideEvent serverSideEvent)
    {
        ArgumentNullException.ThrowIfNull(serverSideEvent);
        Namespace.RaiseServerSideEmit(serverSideEvent);
    }

    /// <summary>
    /// The connected sockets of this node that <paramref name="options"/> select (rooms, or all when none, minus the
    /// sockets of the excepted rooms), as a snapshot.
    /// </summary>
    protected IReadOnlyList<Socket> LocalSockets(BroadcastOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var result = new List<Socket>();
        var excluded = options.Except.Count == 0 ? null : Sockets(options.Except);
        if (options.Rooms.Count == 0)
        {
            foreach (var socket in Namespace.ConnectedSockets)
            {
                if (excluded is null || !excluded.Contains(socket.Id))
                    result.Add(socket);
            }
            return result;
        }
        foreach (var id in Sockets(options.Rooms))
        {
            if ((excluded is null || !excluded.Contains(id)) && Namespace.TryGetSocket(id, out var socket))
                result.Add(socket);
        }
        return result;
    }

    /// <summary>
    /// The namespace is gone (an empty dynamic child that was cleaned up): release what the adapter holds, such as
    /// subscriptions (Node's <c>adapter.close()</c>). Nothing to release in memory.
    /// </summary>
    public virtual void Close()
    {
    }

    /// <summary>Raises <see cref="RoomCreated"/>.</summary>
    protected void OnRoomCreated(string room) => RoomCreated?.Invoke(room);

    /// <summary>Raises <see cref="RoomDeleted"/>.</summary>
    protected void OnRoomDeleted(string room) => RoomDeleted?.Invoke(room);

    /// <summary>Raises <see cref="Joined"/>.</summary>
    protected void OnJoined(string room, string id) => Joined?.Invoke(room, id);

    /// <summary>Raises <see cref="Left"/>.</summary>
    protected void OnLeft(string room, string id) => Left?.Invoke(room, id);
}
