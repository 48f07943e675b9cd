namespace TypedIo.SocketIo;

/// <summary>
/// Connection state recovery in this node's memory (socket.io-adapter's <c>SessionAwareAdapter</c>): offsets are
/// numbered here, packets and sessions are kept in a <see cref="RecoveryStore"/>, and a session is found only on the
/// node the socket left. The store is made on first use, so a derived adapter that overrides the session-aware
/// methods and delivers through <see cref="DeliverAsync(EncodedPacket, BroadcastOptions)"/> never has one.
/// </summary>
public partial class InMemoryAdapter
{
    private RecoveryStore? _recovery;

    /// <summary>The store, when recovery is on.</summary>
    private RecoveryStore? Recovery => Namespace.Server.Options.ConnectionStateRecovery is { } options
        ? LazyInitializer.EnsureInitialized(ref _recovery, () => new RecoveryStore(options, Namespace.Server.TimeProvider))
        : null;

    /// <summary>
    /// Sends <paramref name="packet"/> to the sockets of this node that <paramref name="options"/> select. With
    /// recovery on, a packet that <see cref="SocketAdapter.NeedsOffset(EncodedPacket, BroadcastOptions)"/> first gets the
    /// next offset of this namespace as its last argument and is kept for sockets that may come back; offset, keeping
    /// and delivery happen under one lock, so every socket sees the offsets in order.
    /// </summary>
    public override ValueTask BroadcastAsync(EncodedPacket packet, BroadcastOptions options)
    {
        if (!NeedsOffset(packet, options) || Recovery is not { } store)
            return DeliverAsync(packet, options);
        lock (store.Gate)
        {
            var offset = store.NextOffset();
            packet = packet.WithAppendedArgument(offset);
            store.Add(offset, options, packet);
            return DeliverAsync(packet, options);
        }
    }

    /// <inheritdoc />
    public override ValueTask PersistSessionAsync(SocketSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        Recovery?.Persist(session);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public override Task<RestoredSession?> RestoreSessionAsync(string privateId, string offset, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(privateId);
        ArgumentNullException.ThrowIfNull(offset);
        if (Recovery is not { } store)
            return Task.FromResult<RestoredSession?>(null);
        lock (store.Gate)
        {
            var session = store.Take(privateId, offset);
            var missed = session is null ? null : store.MissedAfter(offset, session.Rooms);
            return Task.FromResult(missed is null ? null : new RestoredSession(session!, offset, missed));
        }
    }

    /// <summary>
    /// Under the lock that broadcasts take, collects the packets after the session's offset again (those broadcast
    /// while the middleware ran included) and connects the socket, so each packet reaches it exactly once.
    /// </summary>
    public override ValueTask ResumeSessionAsync(RestoredSession session, Action<IReadOnlyList<EncodedPacket>?> connect)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(connect);
        if (Recovery is not { } store)
            return base.ResumeSessionAsync(session, connect);
        lock (store.Gate)
            connect(store.MissedAfter(session.Offset, session.Session.Rooms));
        return ValueTask.CompletedTask;
    }
}
