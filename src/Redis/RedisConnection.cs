using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace TypedIo.Redis;

/// <summary>
/// The Redis connection the adapters and the emitter share: the one made from <see cref="RedisAdapterOptions.Configuration"/>
/// (owned and disposed here), else the <see cref="IConnectionMultiplexer"/> registered in DI (not disposed here).
/// </summary>
internal sealed class RedisConnection : IDisposable
{
    private readonly bool _owned;

    public RedisConnection(IOptions<RedisAdapterOptions> options, IServiceProvider services)
    {
        var value = options.Value;
        value.Validate();
        Options = value;
        Multiplexer = Open(value.Configuration, services, out _owned);
    }

    /// <summary>
    /// The connection made from <paramref name="configuration"/> (<paramref name="owned"/>: the caller disposes it), else
    /// the <see cref="IConnectionMultiplexer"/> registered in DI.
    /// </summary>
    public static IConnectionMultiplexer Open(string? configuration, IServiceProvider services, out bool owned)
    {
        owned = configuration is not null;
        if (configuration is not null)
        {
            var parsed = ConfigurationOptions.Parse(configuration);
            // Start even when Redis is down, and keep trying: local clients are served meanwhile.
            parsed.AbortOnConnectFail = false;
            return ConnectionMultiplexer.Connect(parsed);
        }
        return services.GetService<IConnectionMultiplexer>()
            ?? throw new InvalidOperationException("The Redis adapter needs a configuration string in its options or an IConnectionMultiplexer registered in DI.");
    }

    /// <summary>Logs when the subscription connection fails and when it is restored.</summary>
    public static void LogFailures(IConnectionMultiplexer multiplexer, ILogger logger)
    {
        multiplexer.ConnectionFailed += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Subscription)
                RedisLog.ConnectionFailed(logger, e.FailureType.ToString(), e.EndPoint?.ToString());
        };
        multiplexer.ConnectionRestored += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Subscription)
                RedisLog.ConnectionRestored(logger, e.EndPoint?.ToString());
        };
    }

    public RedisAdapterOptions Options { get; }

    public IConnectionMultiplexer Multiplexer { get; }

    public void Dispose()
    {
        if (_owned)
            Multiplexer.Dispose();
    }
}
