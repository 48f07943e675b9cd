using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace TypedIo.Redis.Streams;

/// <summary>
/// The two Redis connections of the streams adapter: <see cref="Multiplexer"/> for writes, pub/sub and sessions (the
/// one made from <see cref="RedisStreamsAdapterOptions.Configuration"/>, else the one registered in DI), and
/// <see cref="Reader"/>, always opened here with the same configuration, used only by the blocking <c>XREAD</c> loop.
/// </summary>
internal sealed class StreamsConnection : IDisposable
{
    private readonly bool _ownsMultiplexer;

    public StreamsConnection(IOptions<RedisStreamsAdapterOptions> options, IServiceProvider services)
    {
        var value = options.Value;
        value.Validate();
        Options = value;
        Multiplexer = RedisConnection.Open(value.Configuration, services, out _ownsMultiplexer);
        var configuration = ConfigurationOptions.Parse(Multiplexer.Configuration);
        var reader = configuration.Clone();
        reader.AbortOnConnectFail = false;
        // A blocking XREAD answers after at most the block time: give it that long plus the usual margin.
        var timeout = (int)Math.Min(int.MaxValue, value.BlockTime.TotalMilliseconds + 5000);
        reader.AsyncTimeout = Math.Max(reader.AsyncTimeout, timeout);
        reader.SyncTimeout = Math.Max(reader.SyncTimeout, timeout);
        reader.ClientName = (reader.ClientName ?? "typedio") + "-streams-reader";
        Reader = ConnectionMultiplexer.Connect(reader);
    }

    public RedisStreamsAdapterOptions Options { get; }

    public IConnectionMultiplexer Multiplexer { get; }

    public IConnectionMultiplexer Reader { get; }

    public void Dispose()
    {
        Reader.Dispose();
        if (_ownsMultiplexer)
            Multiplexer.Dispose();
    }
}
