using StackExchange.Redis;

namespace TypedIo.Redis;

/// <summary>
/// Options of the Redis sharded adapter (Node's <c>createShardedAdapter(pubClient, subClient, opts)</c>). The connection
/// is <see cref="Configuration"/> (a StackExchange.Redis configuration string such as <c>localhost:6379</c>, or the
/// nodes of a Redis 7 cluster), else an <see cref="IConnectionMultiplexer"/> registered in DI.
/// </summary>
/// <example>
/// <code>
/// services.AddTypedIo().AddRedisShardedAdapter(o =>
/// {
///     o.Configuration = "redis-1:6379,redis-2:6379,redis-3:6379";
///     o.SubscriptionMode = ShardedSubscriptionMode.Dynamic;
/// });
/// </code>
/// </example>
public sealed class RedisShardedAdapterOptions
{
    /// <summary>
    /// The StackExchange.Redis configuration string. When null, an <see cref="IConnectionMultiplexer"/> must be
    /// registered in DI. The adapter's own connection is made with <c>AbortOnConnectFail=false</c>, so the server
    /// starts while Redis is down and connects when it comes up.
    /// </summary>
    public string? Configuration { get; set; }

    /// <summary>The prefix of every channel (Node's <c>channelPrefix</c>); <c>socket.io</c> by default, as Node's.</summary>
    public string ChannelPrefix { get; set; } = "socket.io";

    /// <summary>Which channels each node subscribes to (Node's <c>subscriptionMode</c>); <see cref="ShardedSubscriptionMode.Dynamic"/> by default, as Node's.</summary>
    public ShardedSubscriptionMode SubscriptionMode { get; set; } = ShardedSubscriptionMode.Dynamic;

    /// <summary>
    /// How long a request to the other nodes (fetch sockets, server-side emit with ack) waits for their answers when the
    /// call gives no timeout (Node's cluster adapter: 5 s). Unlike Node's, a request that times out completes with the
    /// answers that came instead of failing.
    /// </summary>
    public TimeSpan RequestsTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Checks the values; throws <see cref="ArgumentException"/> for the first wrong one.</summary>
    public void Validate()
    {
        if (string.IsNullOrEmpty(ChannelPrefix))
            throw new ArgumentException("The channel prefix must not be empty.", nameof(ChannelPrefix));
        if (!Enum.IsDefined(SubscriptionMode))
            throw new ArgumentException("Unknown subscription mode.", nameof(SubscriptionMode));
        if (RequestsTimeout <= TimeSpan.Zero)
            throw new ArgumentException("The requests timeout must be positive.", nameof(RequestsTimeout));
    }
}
