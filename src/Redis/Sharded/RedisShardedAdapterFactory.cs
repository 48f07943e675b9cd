using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TypedIo.SocketIo;

namespace TypedIo.Redis;

/// <summary>Gives every namespace a <see cref="RedisShardedAdapter"/> on one connection (registered by <c>AddRedisShardedAdapter</c>).</summary>
internal sealed class RedisShardedAdapterFactory : ISocketAdapterFactory, IDisposable
{
    private readonly RedisShardedAdapterOptions _options;
    private readonly IConnectionMultiplexer _redis;
    private readonly bool _owned;
    private readonly ILogger _logger;

    public RedisShardedAdapterFactory(IOptions<RedisShardedAdapterOptions> options, IServiceProvider services, ILoggerFactory? loggerFactory = null)
    {
        _options = options.Value;
        _options.Validate();
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("TypedIo.Redis");
        _redis = RedisConnection.Open(_options.Configuration, services, out _owned);
        RedisConnection.LogFailures(_redis, _logger);
    }

    public SocketAdapter Create(Namespace nsp) => new RedisShardedAdapter(nsp, _redis, _options, _logger);

    public void Dispose()
    {
        if (_owned)
            _redis.Dispose();
    }
}
