namespace TypedIo.SocketIo;

/// <summary>
/// Connection state recovery (Node's <c>connectionStateRecovery</c>): a client that lost its connection and comes back
/// within <see cref="MaxDisconnectionDuration"/> gets its socket id, rooms and data back, and every packet it missed,
/// in order, exactly once (<c>socket.recovered</c> is true on the client). Off unless
/// <see cref="SocketIoOptions.ConnectionStateRecovery"/> is set.
/// </summary>
/// <remarks>
/// While it is on, every non-volatile event without ack that the server emits (to one socket or to many) carries a
/// trailing offset argument, as in Node: the client reports the last offset it saw when it reconnects. Offsets,
/// packets and sessions are the namespace's adapter's (see <see cref="SocketAdapter.PersistSessionAsync(SocketSession)"/>).
/// The <see cref="InMemoryAdapter"/> keeps the packets per namespace on this server for
/// <see cref="MaxDisconnectionDuration"/>, and never more than <see cref="MaxBufferedPackets"/> or
/// <see cref="MaxBufferedBytes"/> (the oldest go first); a client whose last packet is gone from the buffer is not
/// recovered (a fresh socket), rather than recovered with a gap.
/// </remarks>
public sealed class ConnectionStateRecoveryOptions
{
    /// <summary>How long after a disconnection the socket can be recovered. Default 2 minutes.</summary>
    public TimeSpan MaxDisconnectionDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Whether a recovered socket skips the namespace's connection middleware. Default false: middleware runs again,
    /// so an expired token or a revoked user cannot come back through recovery (Node's default skips it).
    /// </summary>
    public bool SkipMiddlewares { get; set; }

    /// <summary>The most packets the in-memory adapter keeps per namespace for clients that may come back. Default 10,000.</summary>
    public int MaxBufferedPackets { get; set; } = 10_000;

    /// <summary>The most bytes of packets the in-memory adapter keeps per namespace. Default 16 MiB.</summary>
    public long MaxBufferedBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Throws when an option is out of range.</summary>
    public void Validate()
    {
        if (MaxDisconnectionDuration <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(MaxDisconnectionDuration));
        if (MaxBufferedPackets <= 0) throw new ArgumentOutOfRangeException(nameof(MaxBufferedPackets));
        if (MaxBufferedBytes <= 0) throw new ArgumentOutOfRangeException(nameof(MaxBufferedBytes));
    }
}
