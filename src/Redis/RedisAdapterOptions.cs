using StackExchange.Redis;

namespace TypedIo.Redis;

/// <summary>
/// Options of the Redis pub/sub adapter (Node's <c>createAdapter(pubClient, subClient, opts)</c>) and of the emitter.
/// The connection is <see cref="Configuration"/> (a StackExchange.Redis configuration string such as
/// <c>localhost:6379</c>), else an <see cref="IConnectionMultiplexer"/> registered in DI.
/// </summary>
/// <example>
/// <code>
/// services.AddTypedIo().AddRedisAdapter(o =>
/// {
///     o.Configuration = "redis:6379";
///     o.KeyPrefix = "socket.io";
///     o.RequestsTimeout = TimeSpan.FromSeconds(5);
/// });
/// </code>
/// </example>
public sealed class RedisAdapterOptions
{
    /// <summary>
    /// The StackExchange.Redis configuration string (<c>host:port,password=...</c>). When null, an
    /// <see cref="IConnectionMultiplexer"/> must be registered in DI. The adapter's own connection is made with
    /// <c>AbortOnConnectFail=false</c>, so the server starts while Redis is down and connects when it comes up.
    /// </summary>
    public string? Configuration { get; set; }

    /// <summary>The prefix of every channel (Node's <c>key</c>); <c>socket.io</c> by default, as Node's.</summary>
    public string KeyPrefix { get; set; } = "socket.io";

    /// <summary>
    /// How long a request to the other nodes (fetch sockets, all rooms, server-side emit with ack) waits for their
    /// answers (Node's <c>requestsTimeout</c>, 5 s). Unlike Node's, a request that times out completes with the answers
    /// that came instead of failing.
    /// </summary>
    public TimeSpan RequestsTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Whether answers go to the requesting node's own channel (<c>socket.io-response#/#UID#</c>) rather than the shared
    /// response channel (Node's <c>publishOnSpecificResponseChannel</c>, false by default). Every node of a cluster
    /// listens on both, so nodes with different settings still understand each other.
    /// </summary>
    public bool PublishOnSpecificResponseChannel { get; set; }

    /// <summary>Checks the values; throws <see cref="ArgumentException"/> for the first wrong one.</summary>
    public void Validate()
    {
        if (string.IsNullOrEmpty(KeyPrefix))
            throw new ArgumentException("The key prefix must not be empty.", nameof(KeyPrefix));
        if (RequestsTimeout <= TimeSpan.Zero)
            throw new ArgumentException("The requests timeout must be positive.", nameof(RequestsTimeout));
    }
}
