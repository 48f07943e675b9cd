using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using TypedIo.Redis.Tests.Infrastructure;
using TypedIo.SocketIo;

namespace TypedIo.Redis.Tests.Cluster;

/// <summary>
/// The adapter's options on the wire, with the test playing another node on a real redis-server: key prefix, answers on
/// the requester's own channel, the node count from PUBSUB NUMSUB, and a request that another node leaves unanswered
/// completing at the requests timeout.
/// </summary>
public sealed class AdapterOptionsTests
{
    [Fact]
    public async Task Prefix_specific_response_channel_server_count_and_requests_timeout_behave_as_configured()
    {
        await using var redis = await RedisServer.StartAsync();
        var services = new ServiceCollection();
        services.AddTypedIo().AddRedisAdapter(o =>
        {
            o.Configuration = redis.Endpoint;
            o.KeyPrefix = "custom";
            o.PublishOnSpecificResponseChannel = true;
            o.RequestsTimeout = TimeSpan.FromMilliseconds(300);
        });
        await using var provider = services.BuildServiceProvider();
        var io = provider.GetRequiredService<SocketIoServer>();
        var adapter = Assert.IsType<RedisAdapter>(io.Sockets.Adapter);
        await adapter.Subscribed.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, await adapter.ServerCountAsync());

        await using var other = await ConnectionMultiplexer.ConnectAsync(redis.Endpoint);
        var answers = Channel.CreateUnbounded<(string Channel, string Message)>();
        var subscriber = other.GetSubscriber();
        // The other node: subscribed to the request channel (so it is counted) and to its own response channel.
        await subscriber.SubscribeAsync(RedisChannel.Literal("custom-request#/#"), (_, _) => { });
        await subscriber.SubscribeAsync(RedisChannel.Literal("custom-response#/#OTHER1#"), (c, m) => answers.Writer.TryWrite((c.ToString(), m.ToString())));
        await subscriber.SubscribeAsync(RedisChannel.Literal("custom-response#/#"), (c, m) => answers.Writer.TryWrite((c.ToString(), m.ToString())));
        Assert.Equal(2, await adapter.ServerCountAsync());

        await subscriber.PublishAsync(RedisChannel.Literal("custom-request#/#"), """{"uid":"OTHER1","requestId":"req1","type":1}""");
        var answer = await answers.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(("custom-response#/#OTHER1#", """{"requestId":"req1","rooms":[]}"""), answer);

        // The other node never answers a fetch: it completes at the requests timeout with this node's sockets (none).
        var started = System.Diagnostics.Stopwatch.StartNew();
        var sockets = await io.Sockets.FetchSocketsAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Empty(sockets);
        Assert.InRange(started.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5));
        var rooms = await io.Sockets.Adapter.AllRoomsAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Empty(rooms);
    }

    [Fact]
    public Task Without_a_configuration_string_the_multiplexer_registered_in_DI_is_used() =>
        MultiplexerFromDi.AssertUsedAndLeftOpenAsync<RedisAdapter>(
            services => services.AddTypedIo().AddRedisAdapter(), adapter => adapter.Subscribed, "NUMSUB", "socket.io-request#/other#");
}
