namespace TypedIo.SocketIo;

/// <summary>
/// A socket as <see cref="BroadcastOperator.FetchSocketsAsync"/> returns it (Node's <c>RemoteSocket</c>): a snapshot
/// of its id, handshake, rooms and data, and operations that go through the adapter, so they work for a socket of
/// another server node as well as for one of this node.
/// </summary>
/// <example>
/// <code>
/// foreach (var socket in await io.Of("/chat").In("lobby").FetchSocketsAsync())
/// {
///     if (socket.Data.TryGetValue("user", out var user) &amp;&amp; user is "mallory")
///         socket.Disconnect();
///     else
///         socket.Join("announcements");
/// }
/// </code>
/// </example>
public sealed class RemoteSocket
{
    private readonly BroadcastOperator _self;

    /// <summary>
    /// Creates the view of socket <paramref name="id"/>, acting through <paramref name="adapter"/> (a multi-node adapter
    /// builds these from what another node sent).
    /// </summary>
    public RemoteSocket(SocketAdapter adapter, string id, SocketHandshake handshake, IReadOnlySet<string> rooms, IReadOnlyDictionary<string, object?> data)
    {
        ArgumentNullException.ThrowIfNull(adapter);
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(handshake);
        ArgumentNullException.ThrowIfNull(rooms);
        ArgumentNullException.ThrowIfNull(data);
        Id = id;
        Handshake = handshake;
        Rooms = rooms;
        Data = data;
        _self = new BroadcastOperator(adapter.Namespace, BroadcastOptions.All with { Rooms = [id] });
    }

    /// <summary>The socket id.</summary>
    public string Id { get; }

    /// <summary>The socket's handshake.</summary>
    public SocketHandshake Handshake { get; }

    /// <summary>The rooms the socket was in when it was fetched, its own id room included.</summary>
    public IReadOnlySet<string> Rooms { get; }

    /// <summary>A copy of the socket's <see cref="Socket.Data"/> when it was fetched.</summary>
    public IReadOnlyDictionary<string, object?> Data { get; }

    /// <summary>Emits <paramref name="eventName"/> to this socket.</summary>
    public ValueTask EmitAsync(string eventName, params object?[] args) => _self.EmitAsync(eventName, args);

    /// <summary>Makes the socket join <paramref name="room"/>.</summary>
    public void Join(string room) => _self.SocketsJoin(room);

    /// <summary>Makes the socket join every room of <paramref name="rooms"/>.</summary>
    public void Join(IEnumerable<string> rooms) => _self.SocketsJoin(rooms);

    /// <summary>Makes the socket leave <paramref name="room"/>.</summary>
    public void Leave(string room) => _self.SocketsLeave(room);

    /// <summary>
    /// Disconnects the socket from its namespace; with <paramref name="close"/>, closes its whole connection.
    /// </summary>
    public void Disconnect(bool close = false) => _self.DisconnectSockets(close);
}
