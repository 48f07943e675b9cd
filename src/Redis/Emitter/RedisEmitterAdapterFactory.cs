using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TypedIo.SocketIo;

namespace TypedIo.Redis.Emitter;

/// <summary>Gives every namespace a <see cref="RedisEmitterAdapter"/> (registered by <c>AddRedisEmitter</c>).</summary>
internal sealed class RedisEmitterAdapterFactory(RedisConnection connection, ILoggerFactory? loggerFactory = null) : ISocketAdapterFactory
{
    private readonly ILogger _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("TypedIo.Redis");

    public SocketAdapter Create(Namespace nsp) => new RedisEmitterAdapter(nsp, connection, _logger);
}
