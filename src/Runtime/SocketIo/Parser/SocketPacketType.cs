namespace TypedIo.SocketIo;

/// <summary>Socket.IO v5 packet types, encoded on the wire as one digit.</summary>
public enum SocketPacketType : byte
{
    /// <summary>Join a namespace (client) / accepted (server, with <c>{"sid":...}</c>).</summary>
    Connect = 0,
    /// <summary>Leave a namespace.</summary>
    Disconnect = 1,
    /// <summary>An event: <c>["name", ...args]</c>.</summary>
    Event = 2,
    /// <summary>The answer to an event that asked for one: <c>[...args]</c>.</summary>
    Ack = 3,
    /// <summary>A refused namespace join: <c>{"message":...,"data":...}</c>.</summary>
    ConnectError = 4,
    /// <summary>An event with binary attachments.</summary>
    BinaryEvent = 5,
    /// <summary>An ack with binary attachments.</summary>
    BinaryAck = 6,
}
