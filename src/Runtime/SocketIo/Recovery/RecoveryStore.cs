using System.Globalization;

namespace TypedIo.SocketIo;

/// <summary>
/// One namespace's memory for connection state recovery in the <see cref="InMemoryAdapter"/>: the packets emitted lately (with their offsets and targets)
/// and the sessions of sockets that left with a recoverable reason. Bounded by age, count and bytes; pruned as it is
/// used, without a timer.
/// </summary>
/// <remarks>
/// <see cref="Gate"/> is held while an offset is taken, the packet stored and delivered, and while a recovered
/// socket collects its missed packets and rejoins its rooms: so each packet reaches a recovered socket exactly once,
/// either from the buffer or through its rooms, and in the order of the offsets.
/// </remarks>
internal sealed class RecoveryStore(ConnectionStateRecoveryOptions options, TimeProvider time)
{
    private static readonly HashSet<string> RecoverableReasons = new(StringComparer.Ordinal)
    {
        "transport error", "transport close", "forced close", "ping timeout", "server shutting down", "forced server close",
    };

    private readonly LinkedList<StoredPacket> _packets = new();
    private readonly Dictionary<string, LinkedListNode<StoredPacket>> _byOffset = new(StringComparer.Ordinal);
    private readonly Dictionary<string, KeptSession> _sessions = new(StringComparer.Ordinal);
    private readonly Queue<KeptSession> _sessionOrder = new();
    private long _bytes;
    private long _nextOffset;

    public object Gate { get; } = new();

    public static bool IsRecoverable(string reason) => RecoverableReasons.Contains(reason);

    public long Now => time.GetTimestamp();

    /// <summary>The next offset. Call with <see cref="Gate"/> held, then <see cref="Add"/> the packet.</summary>
    public string NextOffset() => (++_nextOffset).ToString(CultureInfo.InvariantCulture);

    /// <summary>Keeps a packet that was just emitted. Call with <see cref="Gate"/> held.</summary>
    public void Add(string offset, BroadcastOptions target, EncodedPacket packet)
    {
        var bytes = 0;
        foreach (var frame in packet.Frames)
            bytes += frame.Bytes.Length;
        var node = _packets.AddLast(new StoredPacket(offset, target, packet, Now, bytes));
        _byOffset[offset] = node;
        _bytes += bytes;
        Prune();
    }

    public void Persist(SocketSession session)
    {
        var kept = new KeptSession(session, Now);
        lock (Gate)
        {
            PruneSessions();
            _sessions[session.PrivateId] = kept;
            _sessionOrder.Enqueue(kept);
        }
    }

    /// <summary>
    /// Takes the session <paramref name="privateId"/> when it has not expired and the packet at
    /// <paramref name="offset"/> is still buffered (else nothing can be recovered exactly once). Taken once.
    /// </summary>
    public SocketSession? Take(string privateId, string offset)
    {
        lock (Gate)
        {
            PruneSessions();
            Prune();
            if (!_sessions.TryGetValue(privateId, out var session) || !_byOffset.ContainsKey(offset))
                return null;
            _sessions.Remove(privateId);
            return session.Session;
        }
    }

    /// <summary>
    /// The packets after <paramref name="offset"/> meant for a socket in <paramref name="rooms"/>, in order; null when
    /// the offset has left the buffer meanwhile. Call with <see cref="Gate"/> held.
    /// </summary>
    public List<EncodedPacket>? MissedAfter(string offset, IReadOnlySet<string> rooms)
    {
        if (!_byOffset.TryGetValue(offset, out var node))
            return null;
        var missed = new List<EncodedPacket>();
        for (var next = node.Next; next is not null; next = next.Next)
        {
            if (IsFor(next.Value.Target, rooms))
                missed.Add(next.Value.Packet);
        }
        return missed;
    }

    private static bool IsFor(BroadcastOptions target, IReadOnlySet<string> rooms)
    {
        if (target.Rooms.Count > 0 && !target.Rooms.Overlaps(rooms))
            return false;
        return !target.Except.Overlaps(rooms);
    }

    private void Prune()
    {
        var oldest = Now - (long)(options.MaxDisconnectionDuration.TotalSeconds * time.TimestampFrequency);
        while (_packets.First is { } first
            && (_packets.Count > options.MaxBufferedPackets || _bytes > options.MaxBufferedBytes || first.Value.StoredAt < oldest))
        {
            _packets.RemoveFirst();
            _byOffset.Remove(first.Value.Offset);
            _bytes -= first.Value.Bytes;
        }
    }

    private void PruneSessions()
    {
        var oldest = Now - (long)(options.MaxDisconnectionDuration.TotalSeconds * time.TimestampFrequency);
        while (_sessionOrder.TryPeek(out var first) && (first.KeptAt < oldest || !_sessions.TryGetValue(first.Session.PrivateId, out var kept) || kept != first))
        {
            _sessionOrder.Dequeue();
            if (_sessions.TryGetValue(first.Session.PrivateId, out var current) && current == first)
                _sessions.Remove(first.Session.PrivateId);
        }
    }

    /// <summary>A session and when it was kept (a monotonic timestamp: expiry does not follow the wall clock).</summary>
    private sealed record KeptSession(SocketSession Session, long KeptAt);

    private sealed record StoredPacket(string Offset, BroadcastOptions Target, EncodedPacket Packet, long StoredAt, int Bytes);
}
