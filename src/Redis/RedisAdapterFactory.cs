using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using TypedIo.SocketIo;

namespace TypedIo.Redis;

/// <summary>Gives every namespace a <see cref="RedisAdapter"/> on the shared connection (registered by <c>AddRedisAdapter</c>).</summary>
internal sealed class RedisAdapterFactory : ISocketAdapterFactory
{
    private readonly RedisConnection _connection;
    private readonly ILogger _logger;

    public RedisAdapterFactory(RedisConnection connection, ILoggerFactory? loggerFactory = null)
    {
        _connection = connection;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("TypedIo.Redis");
        RedisConnection.LogFailures(connection.Multiplexer, _logger);
    }

    public SocketAdapter Create(Namespace nsp) => new RedisAdapter(nsp, _connection, _logger);
}
