using TypedIo.SocketIo;

namespace TypedIo;

/// <summary>
/// The typed emitters of a hub, seen from one socket: the caller, everyone, the others, rooms, single sockets.
/// Broadcasts follow Node's rules: <see cref="Room"/> includes the caller when it is in the room,
/// <see cref="OthersIn"/> does not.
/// </summary>
/// <typeparam name="TSingle">The generated emitter to one socket.</typeparam>
/// <typeparam name="TBroadcast">The generated emitter to many sockets.</typeparam>
public sealed class HubClients<TSingle, TBroadcast>
    where TSingle : ClientProxy<TSingle>, IClientProxy<TSingle>
    where TBroadcast : BroadcastProxy<TBroadcast>, IBroadcastProxy<TBroadcast>
{
    private readonly Socket _caller;
    private TSingle? _callerProxy;

    /// <summary>The emitters seen from <paramref name="caller"/>.</summary>
    public HubClients(Socket caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        _caller = caller;
    }

    /// <summary>The socket this hub instance serves.</summary>
    public TSingle Caller => _callerProxy ??= TSingle.Create(_caller, null);

    /// <summary>Every socket of the namespace, the caller included.</summary>
    public TBroadcast All => TBroadcast.Create(_caller.Namespace.All, null);

    /// <summary>Every socket of the namespace but the caller.</summary>
    public TBroadcast Others => TBroadcast.Create(_caller.Broadcast, null);

    /// <summary>The sockets in <paramref name="room"/> (the caller too, if it is in it).</summary>
    public TBroadcast Room(string room) => TBroadcast.Create(_caller.Namespace.To(room), null);

    /// <summary>The sockets in any of <paramref name="rooms"/>.</summary>
    public TBroadcast Rooms(IEnumerable<string> rooms) => TBroadcast.Create(_caller.Namespace.All.To(rooms), null);

    /// <summary>The sockets in <paramref name="room"/> but the caller.</summary>
    public TBroadcast OthersIn(string room) => TBroadcast.Create(_caller.To(room), null);

    /// <summary>Every socket of the namespace except those in <paramref name="room"/>.</summary>
    public TBroadcast Except(string room) => TBroadcast.Create(_caller.Namespace.Except(room), null);

    /// <summary>The socket with id <paramref name="socketId"/> (its own room, so it reaches it on any node).</summary>
    public TBroadcast Socket(string socketId) => TBroadcast.Create(_caller.Namespace.To(socketId), null);
}
