using System.Collections.Concurrent;
using System.Text.Json;
using TypedIo.SocketIo;

namespace TypedIo.Tests.SocketIo.Recovery;

/// <summary>
/// What a remote store (a Redis stream and session keys) would hold for <see cref="ExternalSessionAdapter"/>: the
/// packets with offsets in the stream's format, the sessions as serialized bytes, and a record of every call the
/// Runtime made through the seam.
/// </summary>
internal sealed class ExternalSessionStore
{
    private long _next = 1_700_000_000_000;

    /// <summary>The order of the "stream": offsets are taken, packets kept and delivered under it (async, as a remote adapter would).</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    public List<(string Offset, BroadcastOptions Options, EncodedPacket Packet)> Stream { get; } = [];

    public ConcurrentDictionary<string, byte[]> Sessions { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<SocketSession> Persisted { get; } = new();

    public ConcurrentQueue<(string PrivateId, string Offset)> Restores { get; } = new();

    public bool FailRestores { get; set; }

    /// <summary>Runs when a resume starts, before it takes <see cref="Gate"/>: what the adapter does meanwhile (a broadcast).</summary>
    public Func<Task>? BeforeResume { get; set; }

    /// <summary>The next offset, shaped like a Redis stream entry id. Under <see cref="Gate"/>.</summary>
    public string NextOffset() => $"{++_next}-0";

    /// <summary>The packets after <paramref name="offset"/> for <paramref name="rooms"/>; null when the offset is unknown. Under <see cref="Gate"/>.</summary>
    public List<EncodedPacket>? MissedAfter(string offset, IReadOnlySet<string> rooms)
    {
        var index = Stream.FindIndex(e => e.Offset == offset);
        if (index < 0)
            return null;
        var missed = new List<EncodedPacket>();
        foreach (var (_, options, packet) in Stream.Skip(index + 1))
        {
            if ((options.Rooms.Count == 0 || options.Rooms.Overlaps(rooms)) && !options.Except.Overlaps(rooms))
                missed.Add(packet);
        }
        return missed;
    }

    /// <summary>The offset the packet whose text contains <paramref name="marker"/> was given.</summary>
    public async Task<string> OffsetOfAsync(string marker)
    {
        await Gate.WaitAsync();
        try
        {
            return Stream.Single(e => e.Packet.Frames[0].ToString().Contains(marker, StringComparison.Ordinal)).Offset;
        }
        finally
        {
            Gate.Release();
        }
    }
}

/// <summary>
/// A test adapter that keeps connection state recovery outside the Runtime, as a Redis streams adapter does: it takes
/// each offset asynchronously from its own "stream", appends it to the already-encoded packet, delivers locally
/// through <see cref="InMemoryAdapter.DeliverAsync(EncodedPacket, BroadcastOptions)"/>, stores sessions serialized to
/// JSON bytes, and gives the data back as <see cref="JsonElement"/> values. No <c>RecoveryStore</c> is involved.
/// </summary>
internal sealed class ExternalSessionAdapter(Namespace nsp, ExternalSessionStore store) : InMemoryAdapter(nsp)
{
    public override async ValueTask BroadcastAsync(EncodedPacket packet, BroadcastOptions options)
    {
        if (!NeedsOffset(packet, options))
        {
            await DeliverAsync(packet, options);
            return;
        }
        await Task.Yield(); // the offset is known only later, like an XADD reply
        await store.Gate.WaitAsync();
        try
        {
            var offset = store.NextOffset();
            packet = packet.WithAppendedArgument(offset);
            store.Stream.Add((offset, options, packet));
            await DeliverAsync(packet, options);
        }
        finally
        {
            store.Gate.Release();
        }
    }

    public override ValueTask PersistSessionAsync(SocketSession session)
    {
        store.Sessions[session.PrivateId] = Write(session);
        store.Persisted.Enqueue(session);
        return ValueTask.CompletedTask;
    }

    public override async Task<RestoredSession?> RestoreSessionAsync(string privateId, string offset, CancellationToken cancellationToken = default)
    {
        store.Restores.Enqueue((privateId, offset));
        await Task.Yield(); // a round trip to the store
        if (store.FailRestores)
            throw new InvalidOperationException("The store is unreachable.");
        if (!store.Sessions.TryRemove(privateId, out var raw))
            return null;
        var session = Read(raw);
        await store.Gate.WaitAsync(cancellationToken);
        try
        {
            return store.MissedAfter(offset, session.Rooms) is { } missed ? new RestoredSession(session, offset, missed) : null;
        }
        finally
        {
            store.Gate.Release();
        }
    }

    public override async ValueTask ResumeSessionAsync(RestoredSession session, Action<IReadOnlyList<EncodedPacket>?> connect)
    {
        if (store.BeforeResume is { } before)
            await before();
        await store.Gate.WaitAsync();
        try
        {
            connect(store.MissedAfter(session.Offset, session.Session.Rooms));
        }
        finally
        {
            store.Gate.Release();
        }
    }

    /// <summary>
    /// The session as Node's streams adapter stores it (<c>{sid, pid, rooms, data}</c>, JSON here instead of msgpack).
    /// Its serializer is warmed up once: a first reflection-based serialization can take longer than the client's
    /// reconnection delay, and a session persisted after the client came back cannot be found.
    /// </summary>
    public static byte[] Write(SocketSession session) => JsonSerializer.SerializeToUtf8Bytes(
        new StoredSession(session.Id, session.PrivateId, [.. session.Rooms], session.Data));

    private static SocketSession Read(byte[] raw)
    {
        using var doc = JsonDocument.Parse(raw);
        var root = doc.RootElement;
        var rooms = root.GetProperty("rooms").EnumerateArray().Select(r => r.GetString()!).ToHashSet(StringComparer.Ordinal);
        var data = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in root.GetProperty("data").EnumerateObject())
            data[property.Name] = property.Value.Clone();
        return new SocketSession(root.GetProperty("sid").GetString()!, root.GetProperty("pid").GetString()!, rooms, data, DateTimeOffset.UtcNow);
    }
}

internal sealed record StoredSession(
    [property: System.Text.Json.Serialization.JsonPropertyName("sid")] string Sid,
    [property: System.Text.Json.Serialization.JsonPropertyName("pid")] string Pid,
    [property: System.Text.Json.Serialization.JsonPropertyName("rooms")] string[] Rooms,
    [property: System.Text.Json.Serialization.JsonPropertyName("data")] IReadOnlyDictionary<string, object?> Data);

internal sealed class ExternalSessionAdapterFactory(ExternalSessionStore store) : ISocketAdapterFactory
{
    static ExternalSessionAdapterFactory() =>
        ExternalSessionAdapter.Write(new SocketSession("s", "p", new HashSet<string> { "s" }, new Dictionary<string, object?> { ["n"] = 1, ["t"] = "x" }, DateTimeOffset.UtcNow));

    public SocketAdapter Create(Namespace nsp) => new ExternalSessionAdapter(nsp, store);
}
