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

    /// <summary>A socket answered.</summary>
    void OnAck(SocketAckResponse response);

    /// <summary>A socket disconnected before it answered: it never will.</summary>
    void OnDisconnected(string socketId);
}
