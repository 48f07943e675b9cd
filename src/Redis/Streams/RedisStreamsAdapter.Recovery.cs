using System.Runtime.CompilerServices;
using StackExchange.Redis;
using TypedIo.Redis.Cluster;
using TypedIo.SocketIo;

namespace TypedIo.Redis.Streams;

// Connection state recovery across nodes, as Node's streams adapter keeps it: sessions under sio:session:PID, missed
// packets read back from the stream.
public sealed partial class RedisStreamsAdapter
{
    /// <summary>How many entries one XRANGE of a restore reads.</summary>
    private const int RangeCount = 1000;

    /// <summary>What a restore found, kept with the restored session until the socket is resumed.</summary>
    private readonly ConditionalWeakTable<RestoredSession, RestoreScan> _scans = [];

    /// <summary>
    /// Stores the session as Node's adapter does: <c>SET sio:session:PID base64(msgpack({sid, pid, rooms, data})) PX
    /// maxDisconnectionDuration</c>.
    /// </summary>
    public override async ValueTask PersistSessionAsync(SocketSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (Namespace.Server.Options.ConnectionStateRecovery is not { } recovery)
            return;
        var value = SessionCodec.Encode(session, Parser.SerializerOptions);
        await _hub.Connection.Multiplexer.GetDatabase()
            .StringSetAsync(_hub.Options.SessionKeyPrefix + session.PrivateId, value, recovery.MaxDisconnectionDuration)
            .ConfigureAwait(false);
    }

    /// <summary>
    /// Takes the session (GETDEL, so it is restored once) and checks that the entry at
    /// <paramref name="offset"/> is still in the stream; then reads the entries after it and keeps this namespace's
    /// broadcasts meant for the session's rooms, each with its entry id as last argument. Null when the session expired
    /// or is unknown, or the offset is not an entry id or was trimmed.
    /// </summary>
    public override async Task<RestoredSession?> RestoreSessionAsync(string privateId, string offset, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(privateId);
        ArgumentNullException.ThrowIfNull(offset);
        if (!IsRecoveryEnabled || !StreamId.TryParse(offset, out var from))
            return null;
        await Ready.WaitAsync(cancellationToken).ConfigureAwait(false);
        var database = _hub.Connection.Multiplexer.GetDatabase();
        // GETDEL (Redis 6.2) where Node's adapter sends MULTI GET DEL for older servers: the same answer.
        var get = database.StringGetDeleteAsync(_hub.Options.SessionKeyPrefix + privateId);
        var exists = database.StreamRangeAsync(Stream, offset, offset);
        var raw = await get.ConfigureAwait(false);
        if (raw.IsNullOrEmpty || (await exists.ConfigureAwait(false)).Length == 0)
            return null;
        var session = SessionCodec.Decode(raw!, DateTimeOffset.UtcNow);
        var scan = new RestoreScan(from, session.Rooms);
        await ReadAfterAsync(database, scan, null, cancellationToken).ConfigureAwait(false);
        var restored = new RestoredSession(session, offset, [.. scan.Missed.Select(m => m.Packet)]);
        _scans.AddOrUpdate(restored, scan);
        return restored;
    }

    /// <summary>
    /// Connects the recovered socket under the delivery lock, so every packet reaches it once: the missed packets up to
    /// the last entry this node has handled (those after it reach the socket through its rooms, when the reader gets
    /// to them), after reading again the entries that arrived between the restore and now.
    /// </summary>
    public override async ValueTask ResumeSessionAsync(RestoredSession session, Action<IReadOnlyList<EncodedPacket>?> connect)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(connect);
        if (!_scans.TryGetValue(session, out var scan))
        {
            await base.ResumeSessionAsync(session, connect).ConfigureAwait(false);
            return;
        }
        _scans.Remove(session);
        var database = _hub.Connection.Multiplexer.GetDatabase();
        while (true)
        {
            StreamId handled;
            lock (_delivery)
            {
                handled = _lastHandled ?? scan.ReadUpTo;
                if (handled <= scan.ReadUpTo)
                {
                    connect([.. scan.Missed.Where(m => m.Id <= handled).Select(m => m.Packet)]);
                    return;
                }
            }
            await ReadAfterAsync(database, scan, handled, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Reads the entries after <see cref="RestoreScan.ReadUpTo"/> (up to <paramref name="until"/>, or the end) into the scan.</summary>
    private async Task ReadAfterAsync(IDatabase database, RestoreScan scan, StreamId? until, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var entries = await database.StreamRangeAsync(Stream, scan.ReadUpTo.Next.ToString(), until?.ToString() ?? "+", RangeCount)
                .ConfigureAwait(false);
            foreach (var entry in entries)
            {
                var id = StreamId.Parse(entry.Id!);
                scan.ReadUpTo = id;
                if (ToMissedPacket(entry, scan.Rooms) is { } packet)
                    scan.Missed.Add((id, packet));
            }
            if (entries.Length < RangeCount)
            {
                if (until is { } end && end > scan.ReadUpTo)
                    scan.ReadUpTo = end;
                return;
            }
        }
    }

    /// <summary>
    /// The packet of an entry a session missed: a broadcast of this namespace whose rooms include one of the session's
    /// and whose except rooms none (Node's <c>shouldIncludePacket</c>), with the entry id as last argument.
    /// </summary>
    private EncodedPacket? ToMissedPacket(StreamEntry entry, IReadOnlySet<string> rooms)
    {
        ClusterMessage? message;
        try
        {
            message = StreamEntryCodec.Decode(entry);
            if (message is null || message.Namespace != Namespace.Name || message.Type != ClusterMessageType.Broadcast || message.RequestId is not null)
                return null;
            var options = message.ReadOptions();
            var included = options.Rooms.Count == 0 || options.Rooms.Any(rooms.Contains);
            if (!included || options.Except.Any(rooms.Contains))
                return null;
            var remote = message.ReadPacket();
            if (remote.Type is not (SocketPacketType.Event or SocketPacketType.BinaryEvent))
                return null;
            return remote.Encode(Parser).WithAppendedArgument(entry.Id!);
        }
        catch (Exception ex) when (IsMalformed(ex))
        {
            RedisLog.StreamEntryMalformed(Logger, Stream, entry.Id!, ex.Message);
            return null;
        }
    }

    private sealed class RestoreScan(StreamId from, IReadOnlySet<string> rooms)
    {
        public IReadOnlySet<string> Rooms { get; } = rooms;

        /// <summary>The last entry read (the client's offset at first).</summary>
        public StreamId ReadUpTo { get; set; } = from;

        public List<(StreamId Id, EncodedPacket Packet)> Missed { get; } = [];
    }
}
