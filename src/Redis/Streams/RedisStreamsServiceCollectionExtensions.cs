using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TypedIo.Redis.Streams;
using TypedIo.SocketIo;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers TypedIo's Redis streams adapter.</summary>
public static class RedisStreamsServiceCollectionExtensions
{
    /// <summary>The meter of the streams adapter's instruments (<c>typedio.redis.streams.*</c>).</summary>
    public const string MeterName = "TypedIo.Redis";

    /// <summary>
    /// Makes every namespace of the server that <c>AddTypedIo()</c> registers use the Redis streams adapter, which is
    /// wire-compatible with Node's <c>@socket.io/redis-streams-adapter</c> 0.3 (options pattern:
    /// <paramref name="configure"/>, <c>services.Configure&lt;RedisStreamsAdapterOptions&gt;</c>, configuration
    /// binding). Without <see cref="RedisStreamsAdapterOptions.Configuration"/>, the <c>IConnectionMultiplexer</c>
    /// registered in DI is used, plus one connection of the adapter's own for the blocking stream reads. With
    /// <c>SocketIoOptions.ConnectionStateRecovery</c> set, sessions and missed packets are kept in Redis, so a client
    /// recovers on any node.
    /// </summary>
    /// <example>
    /// <code>
    /// builder.Services.AddTypedIo(o => o.ConnectionStateRecovery = new())
    ///     .AddRedisStreamsAdapter(o => o.Configuration = "localhost:6379");
    /// </code>
    /// </example>
    public static IServiceCollection AddRedisStreamsAdapter(this IServiceCollection services, Action<RedisStreamsAdapterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<RedisStreamsAdapterOptions>();
        if (configure is not null)
            services.Configure(configure);
        // The hub owns its connections and closes them when DI disposes it.
        services.TryAddSingleton(sp =>
        {
            var meter = sp.GetService<IMeterFactory>()?.Create(new MeterOptions(MeterName)) ?? new Meter(MeterName);
            var logger = (sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger("TypedIo.Redis.Streams");
            var connection = new StreamsConnection(sp.GetRequiredService<IOptions<RedisStreamsAdapterOptions>>(), sp);
            return new StreamsHub(connection, meter, logger);
        });
        services.TryAddSingleton<RedisStreamsAdapterFactory>();
        services.Replace(ServiceDescriptor.Singleton<ISocketAdapterFactory>(sp => sp.GetRequiredService<RedisStreamsAdapterFactory>()));
        return services;
    }
}
