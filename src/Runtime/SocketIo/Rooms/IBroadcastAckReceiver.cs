namespace TypedIo.SocketIo;

/// <summary>
/// Collects what one broadcast with ack learns; an adapter reports to it from this node and, for a multi-node
/// adapter, from the others (socket.io-adapter's <c>clientCountCallback</c> and <c>ack</c>, with socket ids rather
/// than a count so that the sockets that did not answer can be named). Thread-safe; reports after the broadcast
/// completed are ignored.
/// </summary>
public interface IBroadcastAckReceiver
{
    /// <summary>
    /// One node sent the packet to <paramref name="socketIds"/> (possibly none). Each node reports exactly once; the
    /// broadcast waits for as many reports as <see cref="SocketAdapter.ServerCountAsync"/> says there are nodes.
    /// </summary>
    void OnSent(IReadOnlyCollection<string> socketIds);

    /// <summary>
    /// One node sent the packet to <paramref name="socketCount"/> sockets without naming them (socket.io's cluster
    /// protocol, which Node's Redis adapters speak, reports a count). Counts as that node's one report; the answers of
    /// those sockets arrive through <see cref="OnAck"/> with an empty <see cref="SocketAckResponse.SocketId"/>, and
    /// those that do not answer in time are listed as empty ids in <see cref="BroadcastAckResult.TimedOut"/>.
    /// </summary>
    void OnSent(int socketCount);

    /// <summary>A socket answered.</summary>
    void OnAck(SocketAckResponse response);

    /// <summary>A socket disconnected before it answered: it never will.</summary>
    void OnDisconnected(string socketId);
}
