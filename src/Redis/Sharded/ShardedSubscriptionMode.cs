namespace TypedIo.Redis;

/// <summary>
/// Which sharded channels a <see cref="RedisShardedAdapter"/> subscribes to (Node's <c>subscriptionMode</c>): the
/// trade-off between the number of channels and how many nodes a broadcast to one room wakes up.
/// </summary>
public enum ShardedSubscriptionMode
{
    /// <summary>
    /// Two channels per namespace (<c>socket.io#/#</c> and this node's response channel): every broadcast reaches every
    /// node. Suits many short-lived (dynamic) namespaces or rooms.
    /// </summary>
    Static,

    /// <summary>
    /// Node's default: also one channel per public room (<c>socket.io#/#room#</c>) while this node has members in it, so
    /// a broadcast to exactly one room reaches only the nodes that serve that room. Rooms that are socket ids use the
    /// namespace channel.
    /// </summary>
    Dynamic,

    /// <summary>
    /// Like <see cref="Dynamic"/>, and socket-id rooms get their own channel too: suits much one-to-one messaging
    /// (<c>io.to(socketId).emit</c>), at the cost of a subscription per connected socket.
    /// </summary>
    DynamicPrivate,
}
