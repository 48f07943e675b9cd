namespace TypedIo.SocketIo;

/// <summary>
/// A session an adapter found for a reconnecting client (socket.io-adapter's <c>Session</c>): the persisted
/// <see cref="Session"/>, the <see cref="Offset"/> the client reported, and the packets after it that were meant for
/// the session's rooms.
/// </summary>
public sealed class RestoredSession
{
    /// <summary>Creates a restored session.</summary>
    public RestoredSession(SocketSession session, string offset, IReadOnlyList<EncodedPacket> missedPackets)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(offset);
        ArgumentNullException.ThrowIfNull(missedPackets);
        Session = session;
        Offset = offset;
        MissedPackets = missedPackets;
    }

    /// <summary>The session as it was persisted.</summary>
    public SocketSession Session { get; }

    /// <summary>The offset of the last packet the client saw (from its CONNECT payload).</summary>
    public string Offset { get; }

    /// <summary>
    /// The packets after <see cref="Offset"/> for the session's rooms, in order, each carrying its own offset as its
    /// last argument, as known when the session was restored. See
    /// <see cref="SocketAdapter.ResumeSessionAsync(RestoredSession, Action{IReadOnlyList{EncodedPacket}?})"/> for the
    /// packets broadcast after that moment.
    /// </summary>
    public IReadOnlyList<EncodedPacket> MissedPackets { get; }
}
