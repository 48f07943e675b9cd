using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using TypedIo.SocketIo;

namespace TypedIo.Redis.Tests.Infrastructure;

/// <summary>What every Redis adapter does with no configuration string: it takes the app's multiplexer from DI.</summary>
internal static class MultiplexerFromDi
{
    /// <summary>
    /// Registers the adapter with <paramref name="addAdapter"/> next to a multiplexer in DI, waits until the adapter of a
    /// namespace is <paramref name="ready"/>, checks with <paramref name="numsub"/> that it subscribed to
    /// <paramref name="channel"/> through that multiplexer, and that disposing the container leaves the multiplexer open
    /// (it belongs to the app).
    /// </summary>
    public static async Task AssertUsedAndLeftOpenAsync<TAdapter>(
        Action<IServiceCollection> addAdapter, Func<TAdapter, Task> ready, string numsub, string channel)
    {
        await using var redis = await RedisServer.StartAsync();
        await using var multiplexer = await ConnectionMultiplexer.ConnectAsync(redis.Endpoint);
        var services = new ServiceCollection();
        services.AddSingleton<IConnectionMultiplexer>(multiplexer);
        addAdapter(services);
        await using (var provider = services.BuildServiceProvider())
        {
            var adapter = Assert.IsType<TAdapter>(provider.GetRequiredService<SocketIoServer>().Of("/other").Adapter);
            await ready(adapter).WaitAsync(TimeSpan.FromSeconds(30));
            var result = (RedisResult[])(await multiplexer.GetDatabase().ExecuteAsync("PUBSUB", numsub, channel))!;
            Assert.Equal(1, (int)result[1]);
        }
        Assert.True(multiplexer.IsConnected);
    }
}
