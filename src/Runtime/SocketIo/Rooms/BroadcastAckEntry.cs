namespace TypedIo.SocketIo;

/// <summary>
/// The ack-table entry of one broadcast, shared by every recipient: it forwards each answer (and each recipient that
/// disconnects first) to the broadcast's receiver.
/// </summary>
internal sealed class BroadcastAckEntry(IBroadcastAckReceiver receiver) : PendingAck
{
    /// <summary>The receiver itself when it is an entry already (the server's own collector), else a wrapper.</summary>
    public static PendingAck For(IBroadcastAckReceiver receiver) => receiver as PendingAck ?? new BroadcastAckEntry(receiver);

    public override void Answer(Socket socket, SocketArgs args) => receiver.OnAck(new SocketAckResponse(socket.Id, args));

    public override void Abandon(Socket socket, string reason) => receiver.OnDisconnected(socket.Id);
}
