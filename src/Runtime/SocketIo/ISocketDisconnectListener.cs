namespace TypedIo.SocketIo;

/// <summary>
/// A socket's <see cref="ISocketEventRouter"/> that wants to know when the socket has disconnected: told before the
/// socket's <see cref="Socket.Disconnected"/> listeners, without a delegate kept per socket.
/// </summary>
internal interface ISocketDisconnectListener
{
    void OnDisconnected(Socket socket, string reason);
}
