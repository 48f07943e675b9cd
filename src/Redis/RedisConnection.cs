using Microsoft.Extensions.DependencyInjection;
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
        if (value.Configuration is { } configuration)
        {
            var parsed = ConfigurationOptions.Parse(configuration);
            // Start even when Redis is down, and keep trying: local clients are served meanwhile.
            parsed.AbortOnConnectFail = false;
            Multiplexer = ConnectionMultiplexer.Connect(parsed);
            _owned = true;
        }
        else
        {
            Multiplexer = services.GetService<IConnectionMultiplexer>()
                ?? throw new InvalidOperationException("The Redis adapter needs RedisAdapterOptions.Configuration or an IConnectionMultiplexer registered in DI.");
        }
    }

    public RedisAdapterOptions Options { get; }

    public IConnectionMultiplexer Multiplexer { get; }

    public void Dispose()
    {
        if (_owned)
            Multiplexer.Dispose();
    }
}
