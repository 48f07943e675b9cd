using MessagePack;
using StackExchange.Redis;
using ClusterNode = TypedIo.Redis.Tests.Interop.Cluster.ClusterNode;
using TypedIo.Redis.Tests.Infrastructure;
using TypedIo.Redis.Tests.Interop.Cluster;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Redis.Tests.Streams;

/// <summary>
/// The session a node persists when a client loses its transport, read from Redis: the same key, layout and expiry on
/// a TypedIo node as on Node's socket.io with <c>@socket.io/redis-streams-adapter</c>: <c>sio:session:PID</c> holding
/// base64 msgpack <c>{sid, pid, rooms, data}</c>, expiring after <c>maxDisconnectionDuration</c> (2 minutes by default).
/// </summary>
public sealed class StreamsSessionTests
{
    [Theory]
    [InlineData(NodeKind.TypedIo)]
    [InlineData(NodeKind.Node)]
    public async Task A_session_is_kept_in_redis_as_node_s_adapter_keeps_it(NodeKind kind)
    {
        await using var redis = await RedisServer.StartAsync();
        await using var node = await ClusterNode.StartAsync(kind, "node", redis.Endpoint, "streams", "--recovery");
        await using var script = NodeScript.Start("cluster/recovery-leave.mjs", node.Url);
        await script.WaitForSuccessAsync(TimeSpan.FromSeconds(30));
        var result = await script.WaitForEventAsync("result");
        var (id, pid, room) = (result.GetProperty("id").GetString()!, result.GetProperty("pid").GetString()!, result.GetProperty("room").GetString()!);

        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Endpoint);
        var database = connection.GetDatabase();
        var key = "sio:session:" + pid;
        RedisValue value = default;
        // The node writes the session without making the disconnect wait: poll for it.
        for (var deadline = DateTime.UtcNow.AddSeconds(10); value.IsNull && DateTime.UtcNow < deadline; await Task.Yield())
            value = await database.StringGetAsync(key);
        Assert.False(value.IsNull, $"no {key}\n{node.Output}");
        var ttl = await database.KeyTimeToLiveAsync(key);
        Assert.InRange(ttl!.Value, TimeSpan.FromSeconds(100), TimeSpan.FromMinutes(2));

        var session = MessagePackSerializer.Deserialize<Dictionary<string, object?>>(Convert.FromBase64String(value!));
        Assert.Equal(["sid", "pid", "rooms", "data"], session.Keys);
        Assert.Equal(id, session["sid"]);
        Assert.Equal(pid, session["pid"]);
        Assert.Equal(new[] { id, room }.Order(StringComparer.Ordinal), ((object[])session["rooms"]!).Cast<string>().Order(StringComparer.Ordinal));
        Assert.Empty((IDictionary<object, object>)session["data"]!);
    }
}
