using TypedIo.Tests.Infrastructure;

namespace TypedIo.Redis.Tests.Infrastructure;

/// <summary>A private redis-server and two TypedIo fixture nodes (<c>--redis</c>, <c>--adapter</c>, node names A and B) on it.</summary>
public sealed class TypedIoCluster : IAsyncDisposable
{
    private TypedIoCluster(RedisServer redis, FixtureProcess a, FixtureProcess b)
    {
        Redis = redis;
        A = a;
        B = b;
    }

    public RedisServer Redis { get; }

    public FixtureProcess A { get; }

    public FixtureProcess B { get; }

    public static async Task<TypedIoCluster> StartAsync(string adapter = "pubsub")
    {
        var redis = await RedisServer.StartAsync();
        FixtureProcess? a = null;
        try
        {
            a = await FixtureProcess.StartAsync("--redis", redis.Endpoint, "--adapter", adapter, "--node-name", "A");
            var b = await FixtureProcess.StartAsync("--redis", redis.Endpoint, "--adapter", adapter, "--node-name", "B");
            return new TypedIoCluster(redis, a, b);
        }
        catch
        {
            if (a is not null)
                await a.DisposeAsync();
            await redis.DisposeAsync();
            throw;
        }
    }

    /// <summary>A path for a scenario's signal file (tests/js/cluster/tio-cluster.mjs waits for it to exist).</summary>
    public static string NewSignalPath() => Path.Combine(Path.GetTempPath(), "tio-signal-" + Guid.NewGuid().ToString("N"));

    public async ValueTask DisposeAsync()
    {
        await B.DisposeAsync();
        await A.DisposeAsync();
        await Redis.DisposeAsync();
    }
}
