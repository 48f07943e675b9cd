using TypedIo.Redis.Tests.Infrastructure;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Redis.Tests.Cluster;

/// <summary>
/// <c>--recovery</c> with the pub/sub adapter (FIXTURE.md): a client that comes back to the node it left is recovered,
/// with the packets another node published meanwhile (each carrying the offset of the node that delivers it). Node's
/// pub/sub adapter keeps no session and never recovers: a TypedIo node does more here. Across nodes, recovery needs the
/// streams adapter.
/// </summary>
public sealed class PubSubRecoveryTests
{
    [Theory]
    [InlineData("websocket")]
    [InlineData("polling")]
    public async Task A_client_back_on_its_node_gets_its_session_and_what_the_other_node_published_meanwhile(string mode)
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await FixtureProcess.StartAsync("--redis", redis.Endpoint, "--node-name", "A", "--recovery");
        await using var b = await FixtureProcess.StartAsync("--redis", redis.Endpoint, "--node-name", "B", "--recovery");
        await using var script = NodeScript.Start("cluster/recovery.mjs", a.Url, b.Url, mode);
        var result = await script.WaitForEventAsync("result", TimeSpan.FromSeconds(60));

        Assert.True(result.GetProperty("recovered").GetBoolean());
        Assert.True(result.GetProperty("sameId").GetBoolean());
        Assert.Equal([1, 2, 3, 4, 5, 6], result.GetProperty("items").EnumerateArray().Select(n => n.GetInt32()));
        Assert.All(result.GetProperty("offsets").EnumerateArray(), t => Assert.Equal("string", t.GetString()));
        Assert.Equal("string", result.GetProperty("welcomeOffset").GetString());
    }
}
