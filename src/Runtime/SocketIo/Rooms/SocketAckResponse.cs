namespace TypedIo.SocketIo;

/// <summary>One socket's answer to a broadcast with ack: who answered, and the arguments of its ack.</summary>
/// <param name="SocketId">
/// The id of the socket that answered; empty for a socket of another node whose adapter does not name it (Node's Redis
/// adapters carry the answer only).
/// </param>
/// <param name="Args">The arguments the client passed to its ack callback.</param>
public readonly record struct SocketAckResponse(string SocketId, SocketArgs Args);
