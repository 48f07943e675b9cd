using Microsoft.Extensions.Logging;
using TypedIo.SocketIo;

namespace TypedIo.Redis.Streams;

/// <summary>Gives every namespace a <see cref="RedisStreamsAdapter"/> on the shared hub (registered by <c>AddRedisStreamsAdapter</c>).</summary>
internal sealed class RedisStreamsAdapterFactory(StreamsHub hub) : ISocketAdapterFactory
{
    public SocketAdapter Create(Namespace nsp) => new RedisStreamsAdapter(nsp, hub, hub.Logger);
}
