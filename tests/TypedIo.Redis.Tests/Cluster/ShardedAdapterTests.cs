using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using TypedIo.Redis.Tests.Infrastructure;
using TypedIo.SocketIo;

namespace TypedIo.Redis.Tests.Cluster;

/// <summary>
/// The sharded adapter's options on a real redis-server, with the test playing another node: the channels each
/// subscription mode subscribes and publishes to, the channel prefix, the node count from PUBSUB SHARDNUMSUB, and a
/// request that another node leaves unanswered completing at the requests timeout.
/// </summary>
public sealed class ShardedAdapterTests
{
    /// <summary>A room name of 20 characters: Node's sharded adapter takes it for a socket id.</summary>
    private const string SocketId = "AAAAAAAAAAAAAAAAAAAA";

    [Theory]
    [InlineData(ShardedSubscriptionMode.Static, new string[0], "socket.io#/#", "socket.io#/#")]
    [InlineData(ShardedSubscriptionMode.Dynamic, new[] { "socket.io#/#lobby#" }, "socket.io#/#lobby#", "socket.io#/#")]
    [InlineData(ShardedSubscriptionMode.DynamicPrivate, new[] { "socket.io#/#lobby#", "socket.io#/#" + SocketId + "#" }, "socket.io#/#lobby#", "socket.io#/#" + SocketId + "#")]
    public async Task Each_subscription_mode_subscribes_and_publishes_to_node_s_channels(
        ShardedSubscriptionMode mode, string[] roomChannels, string lobbyChannel, string socketChannel)
    {
        await using var redis = await RedisServer.StartAsync();
        var services = new ServiceCollection();
        services.AddTypedIo().AddRedisShardedAdapter(o =>
        {
            o.Configuration = redis.Endpoint;
            o.SubscriptionMode = mode;
        });
        await using var provider = services.BuildServiceProvider();
        var io = provider.GetRequiredService<SocketIoServer>();
        var adapter = Assert.IsType<RedisShardedAdapter>(io.Sockets.Adapter);
        await adapter.Subscribed.WaitAsync(TimeSpan.FromSeconds(30));
        await using var other = await ConnectionMultiplexer.ConnectAsync(redis.Endpoint);
        string[] always = ["socket.io#/#", $"socket.io#/#{adapter.Uid}#"];
        await WaitForChannelsAsync(other, always);

        // A socket joins its own room and a public one: the room channels of the mode appear...
        adapter.AddAll(SocketId, [SocketId, "lobby"]);
        await WaitForChannelsAsync(other, [.. always, .. roomChannels]);

        // ...a broadcast to one room goes to the channel Node's adapter picks for it (a broadcast with ack never to a room's)...
        var published = Channel.CreateUnbounded<(string Channel, JsonElement Message)>();
        var listener = await ConnectionMultiplexer.ConnectAsync(redis.Endpoint);
        var subscriber = listener.GetSubscriber();
        foreach (var channel in new[] { "socket.io#/#", "socket.io#/#lobby#", "socket.io#/#" + SocketId + "#" })
        {
            await subscriber.SubscribeAsync(RedisChannel.Sharded(channel),
                (c, m) => published.Writer.TryWrite((c.ToString(), JsonDocument.Parse((byte[])m!).RootElement.Clone())));
        }
        await io.To("lobby").EmitAsync("to-lobby", 1);
        await io.To(SocketId).EmitAsync("to-socket", 2);
        await io.To("lobby").EmitWithAckAsync("ack-lobby", [], TimeSpan.FromMilliseconds(200));
        var seen = new List<(string Channel, JsonElement Message)>();
        for (var i = 0; i < 3; i++)
            seen.Add(await published.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(lobbyChannel, seen.Single(s => Event(s.Message) == "to-lobby").Channel);
        Assert.Equal(socketChannel, seen.Single(s => Event(s.Message) == "to-socket").Channel);
        Assert.Equal("socket.io#/#", seen.Single(s => Event(s.Message) == "ack-lobby").Channel);
        await listener.DisposeAsync(); // its subscriptions end with its connection

        // ...and the room channels go when the rooms do.
        adapter.DeleteAll(SocketId);
        await WaitForChannelsAsync(other, always);
    }

    [Fact]
    public async Task Prefix_server_count_and_requests_timeout_behave_as_configured()
    {
        await using var redis = await RedisServer.StartAsync();
        var services = new ServiceCollection();
        services.AddTypedIo().AddRedisShardedAdapter(o =>
        {
            o.Configuration = redis.Endpoint;
            o.ChannelPrefix = "custom";
            o.SubscriptionMode = ShardedSubscriptionMode.Static;
            o.RequestsTimeout = TimeSpan.FromMilliseconds(300);
        });
        await using var provider = services.BuildServiceProvider();
        var io = provider.GetRequiredService<SocketIoServer>();
        var adapter = Assert.IsType<RedisShardedAdapter>(io.Sockets.Adapter);
        await adapter.Subscribed.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, await adapter.ServerCountAsync());

        // The other node: subscribed to the namespace channel (so it is counted), answering nothing.
        await using var other = await ConnectionMultiplexer.ConnectAsync(redis.Endpoint);
        var requests = Channel.CreateUnbounded<string>();
        await other.GetSubscriber().SubscribeAsync(RedisChannel.Sharded("custom#/#"), (_, m) => requests.Writer.TryWrite(m.ToString()));
        Assert.Equal(2, await adapter.ServerCountAsync());

        var started = System.Diagnostics.Stopwatch.StartNew();
        var sockets = await io.Sockets.FetchSocketsAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Empty(sockets);
        Assert.InRange(started.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5));
        var request = JsonDocument.Parse(await requests.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10))).RootElement;
        Assert.Equal(7, request.GetProperty("type").GetInt32());
        Assert.Equal(adapter.Uid, request.GetProperty("uid").GetString());
        Assert.Matches("^[0-9a-f]{16}$", adapter.Uid);

        started.Restart();
        var answers = await io.Sockets.ServerSideEmitWithAckAsync("ask", [1], Timeout.InfiniteTimeSpan, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Empty(answers.Responses);
        Assert.Equal(1, answers.TimedOutServers);
        Assert.InRange(started.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public Task Without_a_configuration_string_the_multiplexer_registered_in_DI_is_used_and_left_open() =>
        MultiplexerFromDi.AssertUsedAndLeftOpenAsync<RedisShardedAdapter>(
            services => services.AddTypedIo().AddRedisShardedAdapter(), adapter => adapter.Subscribed, "SHARDNUMSUB", "socket.io#/other#");

    [Fact]
    public void Wrong_options_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new RedisShardedAdapterOptions { ChannelPrefix = "" }.Validate());
        Assert.Throws<ArgumentException>(() => new RedisShardedAdapterOptions { RequestsTimeout = TimeSpan.Zero }.Validate());
        Assert.Throws<ArgumentException>(() => new RedisShardedAdapterOptions { SubscriptionMode = (ShardedSubscriptionMode)7 }.Validate());
    }

    private static string? Event(JsonElement message) => message.GetProperty("data").GetProperty("packet").GetProperty("data")[0].GetString();

    /// <summary>Waits until Redis lists exactly <paramref name="expected"/> as subscribed sharded channels (PUBSUB SHARDCHANNELS).</summary>
    private static async Task WaitForChannelsAsync(IConnectionMultiplexer redis, string[] expected)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        string[] actual;
        while (true)
        {
            var result = (RedisResult[])(await redis.GetDatabase().ExecuteAsync("PUBSUB", "SHARDCHANNELS"))!;
            actual = [.. result.Select(r => r.ToString()!).Where(c => c.StartsWith("socket.io#", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];
            if (actual.SequenceEqual(expected.Order(StringComparer.Ordinal)))
                return;
            if (DateTime.UtcNow > deadline)
                break;
            await Task.Delay(20);
        }
        Assert.Equal(expected.Order(StringComparer.Ordinal), actual);
    }
}
