using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using TypedIo.Redis.Streams;
using TypedIo.Redis.Tests.Infrastructure;
using TypedIo.SocketIo;

namespace TypedIo.Redis.Tests.Streams;

/// <summary>
/// The streams adapter's options on the wire, with the test playing another node on a real redis-server: stream name
/// and count (Node's stream routing), channel prefix and the node count from its subscribers, MAXLEN trimming, and the
/// multiplexer from DI.
/// </summary>
public sealed class StreamsOptionsTests
{
    [Fact]
    public async Task Stream_name_and_count_channel_prefix_and_max_len_behave_as_configured()
    {
        await using var redis = await RedisServer.StartAsync();
        var services = new ServiceCollection();
        services.AddTypedIo().AddRedisStreamsAdapter(o =>
        {
            o.Configuration = redis.Endpoint;
            o.StreamName = "custom";
            o.StreamCount = 3;
            o.ChannelPrefix = "prefix";
            o.MaxLen = 10;
        });
        await using var provider = services.BuildServiceProvider();
        var io = provider.GetRequiredService<SocketIoServer>();
        var adapter = Assert.IsType<RedisStreamsAdapter>(io.Sockets.Adapter);
        await adapter.Ready.WaitAsync(TimeSpan.FromSeconds(30));
        // Node's hashCode("/") is 47, and 47 % 3 = 2.
        Assert.Equal("custom-2", adapter.Stream);
        Assert.Equal(1, await adapter.ServerCountAsync());

        await using var other = await ConnectionMultiplexer.ConnectAsync(redis.Endpoint);
        await other.GetSubscriber().SubscribeAsync(RedisChannel.Literal("prefix#/#"), (_, _) => { });
        Assert.Equal(2, await adapter.ServerCountAsync());

        for (var i = 0; i < 500; i++)
            await io.Sockets.EmitAsync("tick", i);
        var database = other.GetDatabase();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await database.StreamRangeAsync("custom-2", "-", "+", 1, Order.Descending)) is var last
            && (last.Length == 0 || !((string)last[0]["data"]!).Contains("[\"tick\",499]", StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < deadline, "the last broadcast never reached the stream");
            await Task.Yield();
        }
        // MAXLEN ~ 10 trims whole nodes of the stream: far fewer than the 500 written remain.
        Assert.InRange(await database.StreamLengthAsync("custom-2"), 10, 200);
        Assert.False(await database.KeyExistsAsync("custom"));
    }

    [Fact]
    public Task Without_a_configuration_string_the_multiplexer_registered_in_DI_is_used_and_left_open() =>
        MultiplexerFromDi.AssertUsedAndLeftOpenAsync<RedisStreamsAdapter>(
            services => services.AddTypedIo().AddRedisStreamsAdapter(), adapter => adapter.Ready, "NUMSUB", "socket.io#/other#");
}
