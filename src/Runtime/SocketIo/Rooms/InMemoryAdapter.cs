using System.Runtime.InteropServices;

namespace TypedIo.SocketIo;

/// <summary>
/// The default adapter: rooms in memory, broadcasts to local sockets. A broadcast is encoded once by the caller;
/// the same frames are queued to every recipient. Not sealed: a multi-node adapter can derive from it, keep the
/// local rooms here and call the base methods for this node's sockets (as Node's cluster adapters extend the
/// in-memory one).
/// </summary>
public partial class InMemoryAdapter : SocketAdapter
{
    private readonly object _gate = new();
    // Both maps hold MemberSets: a socket's own room has one member and most sockets are in that room only.
    private readonly Dictionary<string, object?> _rooms = new(StringComparer.Ordinal);
    private readonly Dictionary<string, object?> _socketRooms = new(StringComparer.Ordinal);

    /// <summary>Creates the adapter of <paramref name="nsp"/>.</summary>
    public InMemoryAdapter(Namespace nsp)
        : base(nsp)
    {
    }

    /// <inheritdoc />
    public override void AddAll(string id, IEnumerable<string> rooms)
    {
        List<(string Room, bool Created)>? changes = null;
        lock (_gate)
        {
            // Only _rooms changes while this reference into _socketRooms is held.
            ref var own = ref CollectionsMarshal.GetValueRefOrAddDefault(_socketRooms, id, out _);
            foreach (var room in rooms)
            {
                if (!MemberSet.Add(ref own, room))
                    continue;
                ref var members = ref CollectionsMarshal.GetValueRefOrAddDefault(_rooms, room, out var existed);
                MemberSet.Add(ref members, id);
                (changes ??= []).Add((room, !existed));
            }
        }
        if (changes is null)
            return;
        foreach (var (room, created) in changes)
        {
            if (created)
                OnRoomCreated(room);
            OnJoined(room, id);
        }
    }

    /// <inheritdoc />
    public override void Delete(string id, string room)
    {
        bool left, deleted = false;
        lock (_gate)
        {
            ref var own = ref CollectionsMarshal.GetValueRefOrNullRef(_socketRooms, id);
            left = !System.Runtime.CompilerServices.Unsafe.IsNullRef(ref own) && MemberSet.Remove(ref own, room);
            if (left)
                deleted = RemoveMember(room, id);
        }
        // Node's order: leave-room, then delete-room when it was the last member.
        if (left)
            OnLeft(room, id);
        if (deleted)
            OnRoomDeleted(room);
    }

    /// <inheritdoc />
    public override void DeleteAll(string id)
    {
        List<(string Room, bool Deleted)> changes = [];
        lock (_gate)
        {
            if (!_socketRooms.Remove(id, out var own))
                return;
            foreach (var room in MemberSet.ToArray(own))
                changes.Add((room, RemoveMember(room, id)));
        }
        foreach (var (room, deleted) in changes)
        {
            OnLeft(room, id);
            if (deleted)
                OnRoomDeleted(room);
        }
    }

    /// <summary>Takes <paramref name="id"/> out of <paramref name="room"/>; true when that deleted the room. Under the lock.</summary>
    private bool RemoveMember(string room, string id)
    {
        ref var members = ref CollectionsMarshal.GetValueRefOrNullRef(_rooms, room);
        if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref members))
            return false;
        MemberSet.Remove(ref members, id);
        if (members is not null)
            return false;
        _rooms.Remove(room);
        return true;
    }

    /// <inheritdoc />
    public override IReadOnlySet<string> SocketRooms(string id)
    {
        lock (_gate)
        {
            if (!_socketRooms.TryGetValue(id, out var own))
                return new HashSet<string>();
            var copy = new HashSet<string>(StringComparer.Ordinal);
            MemberSet.AddTo(own, copy);
            return copy;
        }
    }

    /// <inheritdoc />
    public override IReadOnlySet<string> RoomNames()
    {
        lock (_gate)
            return new HashSet<string>(_rooms.Keys, StringComparer.Ordinal);
    }

    /// <summary>Whether <paramref name="room"/> has members on this node.</summary>
    public bool HasRoom(string room)
    {
        lock (_gate)
            return _rooms.ContainsKey(room);
    }

    /// <inheritdoc />
    public override IReadOnlySet<string> Sockets(IReadOnlySet<string> rooms)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        if (rooms.Count == 0)
        {
            foreach (var id in Namespace.SocketIds)
                result.Add(id);
            return result;
        }
        lock (_gate)
        {
            foreach (var room in rooms)
            {
                if (_rooms.TryGetValue(room, out var members))
                    MemberSet.AddTo(members, result);
            }
        }
        return result;
    }

    /// <summary>
    /// Sends <paramref name="packet"/> as it is to the sockets of this node that <paramref name="options"/> select: no
    /// offset is added and nothing is kept for recovery. <see cref="BroadcastAsync(EncodedPacket, BroadcastOptions)"/>
    /// comes here after giving the packet its offset; a derived adapter that takes offsets from elsewhere (a Redis
    /// stream entry id) appends its own and delivers locally with this method.
    /// </summary>
    protected ValueTask DeliverAsync(EncodedPacket packet, BroadcastOptions options)
    {
        ArgumentNullException.ThrowIfNull(packet);
        ArgumentNullException.ThrowIfNull(options);
        var isVolatile = (options.Flags & BroadcastFlags.Volatile) != 0;
        if ((options.Flags & BroadcastFlags.NoCompress) != 0)
            packet = packet.WithoutCompression();
        var sent = 0;
        // A socket is in the namespace a little before it is connected: a recovered one while its adapter resumes it.
        // Like Node's (a socket is broadcast to once it has joined its own room), only connected sockets are written
        // to here; a recovered socket gets the packets of that moment among its missed ones, once, after its CONNECT.
        if (options.Rooms.Count == 0 && options.Except.Count == 0)
        {
            foreach (var socket in Namespace.ConnectedSockets)
            {
                if (socket.Connected && socket.WriteFrames(packet, isVolatile))
                    sent++;
            }
        }
        else if (options.Rooms.Count == 0)
        {
            var excluded = Sockets(options.Except);
            foreach (var socket in Namespace.ConnectedSockets)
            {
                if (socket.Connected && !excluded.Contains(socket.Id) && socket.WriteFrames(packet, isVolatile))
                    sent++;
            }
        }
        else if (options.Rooms.Count == 1)
        {
            sent = BroadcastToRoom(packet, options, isVolatile);
        }
        else
        {
            var excluded = options.Except.Count == 0 ? null : Sockets(options.Except);
            foreach (var id in Sockets(options.Rooms))
            {
                if ((excluded is null || !excluded.Contains(id)) && Namespace.TryGetSocket(id, out var socket) && socket.WriteFrames(packet, isVolatile))
                    sent++;
            }
        }
        // One measurement per broadcast, not one per recipient.
        Namespace.Server.Metrics.PacketsSent(Namespace.Name, sent);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// The common case of one room: its members are copied into a pooled array under the lock (no set is built per
    /// broadcast) and written to outside it.
    /// </summary>
    private int BroadcastToRoom(EncodedPacket packet, BroadcastOptions options, bool isVolatile)
    {
        string? name = null;
        foreach (var only in options.Rooms)
            name = only;
        string[] members;
        int count;
        lock (_gate)
        {
            if (!_rooms.TryGetValue(name!, out var room))
                return 0;
            count = MemberSet.Count(room);
            members = System.Buffers.ArrayPool<string>.Shared.Rent(count);
            MemberSet.CopyTo(room, members);
        }
        try
        {
            var excluded = options.Except.Count == 0 ? null : Sockets(options.Except);
            var sent = 0;
            for (var i = 0; i < count; i++)
            {
                if ((excluded is null || !excluded.Contains(members[i])) && Namespace.TryGetSocket(members[i], out var socket) && socket.WriteFrames(packet, isVolatile))
                    sent++;
            }
            return sent;
        }
        finally
        {
            System.Buffers.ArrayPool<string>.Shared.Return(members, clearArray: true);
        }
    }
}
