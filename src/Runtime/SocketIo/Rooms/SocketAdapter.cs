namespace TypedIo.SocketIo;

/// <summary>
/// Keeps which socket is in which room of one namespace and delivers broadcasts, as Node's socket.io-adapter.
/// The in-memory adapter serves one server; a multi-node adapter (Redis) derives from this class and forwards
/// broadcasts to the other nodes, without namespace or socket code changing.
/// </summary>
public abstract class SocketAdapter
{
    /// <summary>Creates the adapter of <paramref name="nsp"/>.</summary>
    protected SocketAdapter(Namespace nsp)
    {
        Namespace = nsp;
    }

    /// <summary>The namespace served.</summary>
    public Namespace Namespace { get; }

    /// <summary>Raised when a room gets its first member.</summary>
    public event Action<string>? RoomCreated;

    /// <summary>Raised when a room loses its last member.</summary>
    public event Action<string>? RoomDeleted;

    /// <summary>Raised when a socket joins a room: (room, socket id).</summary>
    public event Action<string, string>? Joined;

    /// <summary>Raised when a socket leaves a room: (room, socket id).</summary>
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

    /// <summary>Sends <paramref name="packet"/> to the sockets <paramref name="options"/> select.</summary>
    public abstract ValueTask BroadcastAsync(EncodedPacket packet, BroadcastOptions options);

    /// <summary>Raises <see cref="RoomCreated"/>.</summary>
    protected void OnRoomCreated(string room) => RoomCreated?.Invoke(room);

    /// <summary>Raises <see cref="RoomDeleted"/>.</summary>
    protected void OnRoomDeleted(string room) => RoomDeleted?.Invoke(room);

    /// <summary>Raises <see cref="Joined"/>.</summary>
    protected void OnJoined(string room, string id) => Joined?.Invoke(room, id);

    /// <summary>Raises <see cref="Left"/>.</summary>
    protected void OnLeft(string room, string id) => Left?.Invoke(room, id);
}
