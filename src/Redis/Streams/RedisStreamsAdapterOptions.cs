using StackExchange.Redis;

namespace TypedIo.Redis.Streams;

/// <summary>
/// Options of the Redis streams adapter, with the defaults and meaning of Node's <c>@socket.io/redis-streams-adapter</c>
/// 0.3 <c>createAdapter(redisClient, opts)</c>. The connection is <see cref="Configuration"/> (a StackExchange.Redis
/// configuration string such as <c>localhost:6379</c>), else an <see cref="IConnectionMultiplexer"/> registered in DI.
/// </summary>
/// <example>
/// <code>
/// services.AddTypedIo().AddRedisStreamsAdapter(o =>
/// {
///     o.Configuration = "redis:6379";
///     o.StreamName = "socket.io";
///     o.MaxLen = 10_000;
/// });
/// </code>
/// </example>
public sealed class RedisStreamsAdapterOptions
{
    /// <summary>
    /// The StackExchange.Redis configuration string (<c>host:port,password=...</c>). When null, the
    /// <see cref="IConnectionMultiplexer"/> registered in DI is used for writes and pub/sub, and a second connection
    /// with its configuration is opened for the blocking stream reads. Connections are made with
    /// <c>AbortOnConnectFail=false</c>, so the server starts while Redis is down.
    /// </summary>
    public string? Configuration { get; set; }

    /// <summary>The Redis stream (or the prefix of the streams when <see cref="StreamCount"/> is above 1); <c>socket.io</c>, as Node's <c>streamName</c>.</summary>
    public string StreamName { get; set; } = "socket.io";

    /// <summary>
    /// How many streams share the namespaces (Node's <c>streamCount</c>, 1): a namespace is routed to stream
    /// <c>StreamName-i</c> by the same hash as Node's, so its messages stay ordered.
    /// </summary>
    public int StreamCount { get; set; } = 1;

    /// <summary>The prefix of the pub/sub channels of requests and responses (Node's <c>channelPrefix</c>, <c>socket.io</c>).</summary>
    public string ChannelPrefix { get; set; } = "socket.io";

    /// <summary>The approximate maximum length of the stream, trimmed with <c>XADD MAXLEN ~</c> (Node's <c>maxLen</c>, 10,000).</summary>
    public int MaxLen { get; set; } = 10_000;

    /// <summary>How many entries one <c>XREAD</c> returns at most (Node's <c>readCount</c>, 100).</summary>
    public int ReadCount { get; set; } = 100;

    /// <summary>How long one <c>XREAD BLOCK</c> waits for new entries (Node's <c>blockTimeInMs</c>, 5 s).</summary>
    public TimeSpan BlockTime { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The prefix of the key of a persisted session (Node's <c>sessionKeyPrefix</c>, <c>sio:session:</c>).</summary>
    public string SessionKeyPrefix { get; set; } = "sio:session:";

    /// <summary>
    /// How long a request to the other nodes (fetch sockets, server-side emit with ack) waits for their answers (5 s,
    /// socket.io-adapter's default). Unlike Node's, a request that times out completes with the answers that came.
    /// </summary>
    public TimeSpan RequestsTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How many stream entries (broadcasts, remote joins, leaves and disconnects) wait in memory while Redis cannot
    /// take them (10,000). They are written in order once Redis is back. An entry past this bound is dropped, counted
    /// on the <c>typedio.redis.streams.entries.dropped</c> counter and logged. Node's adapter has no such buffer.
    /// </summary>
    public int MaxBufferedEntries { get; set; } = 10_000;

    /// <summary>Checks the values; throws <see cref="ArgumentException"/> for the first wrong one.</summary>
    public void Validate()
    {
        if (string.IsNullOrEmpty(StreamName))
            throw new ArgumentException("The stream name must not be empty.", nameof(StreamName));
        if (StreamCount < 1)
            throw new ArgumentException("The stream count must be at least 1.", nameof(StreamCount));
        if (string.IsNullOrEmpty(ChannelPrefix))
            throw new ArgumentException("The channel prefix must not be empty.", nameof(ChannelPrefix));
        if (MaxLen < 1)
            throw new ArgumentException("The maximum stream length must be positive.", nameof(MaxLen));
        if (ReadCount < 1)
            throw new ArgumentException("The read count must be positive.", nameof(ReadCount));
        if (BlockTime <= TimeSpan.Zero)
            throw new ArgumentException("The block time must be positive.", nameof(BlockTime));
        if (string.IsNullOrEmpty(SessionKeyPrefix))
            throw new ArgumentException("The session key prefix must not be empty.", nameof(SessionKeyPrefix));
        if (RequestsTimeout <= TimeSpan.Zero)
            throw new ArgumentException("The requests timeout must be positive.", nameof(RequestsTimeout));
        if (MaxBufferedEntries < 0)
            throw new ArgumentException("The buffer bound must not be negative.", nameof(MaxBufferedEntries));
    }

    /// <summary>The stream of namespace <paramref name="nsp"/> (Node's <c>computeStreamName</c>, same hash).</summary>
    internal string StreamOf(string nsp)
    {
        if (StreamCount == 1)
            return StreamName;
        var hash = 0;
        foreach (var c in nsp)
            hash = unchecked((hash * 31) + c);
        // JavaScript's % keeps the sign of the dividend, as C#'s does: Node names a negative hash's stream "name--3".
        return StreamName + "-" + (hash % StreamCount).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
