using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TypedIo.Redis;
using TypedIo.SocketIo;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers TypedIo's Redis adapter and emitter.</summary>
public static class RedisServiceCollectionExtensions
{
    /// <summary>
    /// Makes every namespace of the server that <c>AddTypedIo()</c> registers use the Redis pub/sub adapter, which is
    /// wire-compatible with Node's <c>@socket.io/redis-adapter</c> 8.x <c>createAdapter</c> (options pattern:
    /// <paramref name="configure"/>, <c>services.Configure&lt;RedisAdapterOptions&gt;</c>, configuration binding).
    /// Without <see cref="RedisAdapterOptions.Configuration"/>, the <c>IConnectionMultiplexer</c> registered in DI is
    /// used. Give each server node its own connection: Redis counts the nodes by subscribed connections.
    /// </summary>
    /// <example>
    /// <code>
    /// builder.Services.AddTypedIo().AddRedisAdapter(o => o.Configuration = "localhost:6379");
    /// </code>
    /// </example>
    public static IServiceCollection AddRedisAdapter(this IServiceCollection services, Action<RedisAdapterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        AddRedisConnection(services, configure);
        services.TryAddSingleton<RedisAdapterFactory>();
        services.Replace(ServiceDescriptor.Singleton<ISocketAdapterFactory>(sp => sp.GetRequiredService<RedisAdapterFactory>()));
        return services;
    }

    /// <summary>
    /// Makes every namespace of the server that <c>AddTypedIo()</c> registers use the Redis sharded pub/sub adapter
    /// (SPUBLISH/SSUBSCRIBE, Redis 7), wire-compatible with Node's <c>@socket.io/redis-adapter</c>
    /// <c>createShardedAdapter</c> (options pattern: <paramref name="configure"/>,
    /// <c>services.Configure&lt;RedisShardedAdapterOptions&gt;</c>, configuration binding). Without
    /// <see cref="RedisShardedAdapterOptions.Configuration"/>, the <c>IConnectionMultiplexer</c> registered in DI is used.
    /// Give each server node its own connection: Redis counts the nodes by subscribed connections. Use one adapter per
    /// server: this replaces <see cref="AddRedisAdapter"/>.
    /// </summary>
    /// <example>
    /// <code>
    /// builder.Services.AddTypedIo().AddRedisShardedAdapter(o => o.Configuration = "localhost:6379");
    /// </code>
    /// </example>
    public static IServiceCollection AddRedisShardedAdapter(this IServiceCollection services, Action<RedisShardedAdapterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<RedisShardedAdapterOptions>();
        if (configure is not null)
            services.Configure(configure);
        services.TryAddSingleton<RedisShardedAdapterFactory>();
        services.Replace(ServiceDescriptor.Singleton<ISocketAdapterFactory>(sp => sp.GetRequiredService<RedisShardedAdapterFactory>()));
        return services;
    }

    /// <summary>
    /// Makes this process an emitter to a cluster that it does not serve (a worker, a job), wire-compatible with Node's
    /// <c>@socket.io/redis-emitter</c>: the <c>SocketIoServer</c> that <c>AddTypedIo()</c> registers publishes every
    /// broadcast, <c>SocketsJoin</c>/<c>SocketsLeave</c>/<c>DisconnectSockets</c> and server-side emit to Redis, for
    /// every namespace, and the generated hub contexts work over it unchanged. Do not map TypedIo in this process; acks,
    /// <c>FetchSocketsAsync</c> and server-side emits with ack throw <see cref="NotSupportedException"/>, as Node's
    /// emitter cannot do them either. Use either this or <see cref="AddRedisAdapter"/>, not both.
    /// </summary>
    /// <example>
    /// <code>
    /// builder.Services.AddTypedIo().AddRedisEmitter(o => o.Configuration = "redis:6379").AddSocketHub&lt;ChatHub&gt;();
    /// // in a BackgroundService taking ChatHubContext hub:
    /// await hub.Clients.Room("lobby").Message(new ChatMessage("bot", "hello"));
    /// </code>
    /// </example>
    public static IServiceCollection AddRedisEmitter(this IServiceCollection services, Action<RedisAdapterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        AddRedisConnection(services, configure);
        services.TryAddSingleton<TypedIo.Redis.Emitter.RedisEmitterAdapterFactory>();
        services.Replace(ServiceDescriptor.Singleton<ISocketAdapterFactory>(sp => sp.GetRequiredService<TypedIo.Redis.Emitter.RedisEmitterAdapterFactory>()));
        return services;
    }

    internal static void AddRedisConnection(IServiceCollection services, Action<RedisAdapterOptions>? configure)
    {
        services.AddOptions<RedisAdapterOptions>();
        if (configure is not null)
            services.Configure(configure);
        services.TryAddSingleton(sp => new RedisConnection(sp.GetRequiredService<IOptions<RedisAdapterOptions>>(), sp));
    }
}
