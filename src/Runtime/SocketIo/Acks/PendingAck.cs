namespace TypedIo.SocketIo;

/// <summary>
/// What a socket's ack table holds for one ack id: the waiter of one emit, or the shared entry of a broadcast (the
/// same instance is registered in every recipient under the broadcast's single id).
/// </summary>
internal abstract class PendingAck
{
    /// <summary>The client of <paramref name="socket"/> answered.</summary>
    public abstract void Answer(Socket socket, SocketArgs args);

    /// <summary><paramref name="socket"/> disconnected (for <paramref name="reason"/>) before it answered.</summary>
    public abstract void Abandon(Socket socket, string reason);
}
