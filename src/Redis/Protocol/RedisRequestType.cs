namespace TypedIo.Redis.Protocol;

/// <summary>The request and response types of Node's Redis adapter (its <c>RequestType</c> enum; the numbers are the wire).</summary>
internal enum RedisRequestType
{
    Sockets = 0,
    AllRooms = 1,
    RemoteJoin = 2,
    RemoteLeave = 3,
    RemoteDisconnect = 4,
    RemoteFetch = 5,
    ServerSideEmit = 6,
    Broadcast = 7,
    BroadcastClientCount = 8,
    BroadcastAck = 9,
}
