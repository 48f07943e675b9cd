namespace TypedIo.SocketIo;

/// <summary>
/// The session-aware part of the adapter (socket.io-adapter's <c>persistSession</c>, <c>restoreSession</c> and the
/// offsets its <c>broadcast</c> appends): connection state recovery lives behind the adapter, so a multi-node adapter
/// can keep sessions and missed packets where every node finds them.
/// </summary>
/// <remarks>
/// <para>
/// The contract, with <see cref="SocketIoOptions.ConnectionStateRecovery"/> on: every packet for which
/// <see cref="NeedsOffset(EncodedPacket, BroadcastOptions)"/> is true gets an offset from the adapter in
/// <see cref="BroadcastAsync(EncodedPacket, BroadcastOptions)"/>, appended as its last argument with
/// <see cref="EncodedPacket.WithAppendedArgument(string)"/> before any socket gets it (an emit to one socket comes
/// here too, as a broadcast to its own room). A socket that leaves with a recoverable reason is handed to
/// <see cref="PersistSessionAsync(SocketSession)"/>; a client that comes back with <c>pid</c> and <c>offset</c> is
/// looked up with <see cref="RestoreSessionAsync(string, string, CancellationToken)"/> before the connection middleware
/// runs, and once accepted it is connected through <see cref="ResumeSessionAsync(RestoredSession, Action{IReadOnlyList{EncodedPacket}?})"/>.
/// </para>
/// <para>
/// Exactly once: a packet must reach a recovered socket either among the packets it is resumed with or through its
/// rooms, never both and never neither, and in the order of the offsets. The in-memory adapter holds one lock while
/// it takes an offset, keeps the packet and delivers it, and while a socket is resumed (its missed packets collected,
/// its rooms joined). A remote adapter keeps it the same way with its own order: deliver packets locally in offset
/// order under a lock, remember the last offset delivered, and in <c>ResumeSessionAsync</c>, under that lock, hand
/// over the missed packets up to and including that offset (reading again what arrived after
/// <see cref="RestoredSession.MissedPackets"/> were collected) before the socket joins its rooms.
/// </para>
/// </remarks>
public abstract partial class SocketAdapter
{
    /// <summary>Whether connection state recovery is on (<see cref="SocketIoOptions.ConnectionStateRecovery"/> is set).</summary>
    protected bool IsRecoveryEnabled => Namespace.Server.Options.ConnectionStateRecovery is not null;

    /// <summary>
    /// Whether <paramref name="packet"/>, broadcast with <paramref name="options"/>, gets an offset (socket.io-adapter's
    /// conditions): recovery is on, it is an event, it carries no ack id (an ack callback cannot be restored elsewhere)
    /// and it is not volatile.
    /// </summary>
    protected bool NeedsOffset(EncodedPacket packet, BroadcastOptions options)
    {
        ArgumentNullException.ThrowIfNull(packet);
        ArgumentNullException.ThrowIfNull(options);
        return IsRecoveryEnabled
            && packet.Type is SocketPacketType.Event or SocketPacketType.BinaryEvent
            && packet.AckId is null
            && (options.Flags & BroadcastFlags.Volatile) == 0;
    }

    /// <summary>
    /// Keeps <paramref name="session"/>, of a socket that left with a recoverable reason, for at most
    /// <see cref="ConnectionStateRecoveryOptions.MaxDisconnectionDuration"/> (socket.io-adapter's <c>persistSession</c>).
    /// Called before the socket leaves its rooms; not awaited by the disconnect (a failure is logged). This
    /// implementation keeps nothing, so no session can be restored.
    /// </summary>
    public virtual ValueTask PersistSessionAsync(SocketSession session) => ValueTask.CompletedTask;

    /// <summary>
    /// Finds the session <paramref name="privateId"/> for a client that saw the packet at <paramref name="offset"/> last
    /// (socket.io-adapter's <c>restoreSession</c>): null when it expired, is unknown, or when the packet at
    /// <paramref name="offset"/> is gone (the client is then not recovered rather than recovered with a gap). A session
    /// is restored once. This implementation returns null.
    /// </summary>
    public virtual Task<RestoredSession?> RestoreSessionAsync(string privateId, string offset, CancellationToken cancellationToken = default) =>
        Task.FromResult<RestoredSession?>(null);

    /// <summary>
    /// Connects a socket restored with <see cref="RestoreSessionAsync(string, string, CancellationToken)"/>, after its
    /// middleware accepted it: calls <paramref name="connect"/> once with every packet after the session's offset that is
    /// meant for its rooms, in order, and with null when they cannot all be given any more (the socket then connects as
    /// a fresh one). <paramref name="connect"/> sends the CONNECT reply, joins the session's rooms and writes the packets,
    /// synchronously: call it where no packet can be delivered to those rooms meanwhile (see the remarks of this class).
    /// This implementation passes <see cref="RestoredSession.MissedPackets"/>.
    /// </summary>
    public virtual ValueTask ResumeSessionAsync(RestoredSession session, Action<IReadOnlyList<EncodedPacket>?> connect)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(connect);
        connect(session.MissedPackets);
        return ValueTask.CompletedTask;
    }
}
