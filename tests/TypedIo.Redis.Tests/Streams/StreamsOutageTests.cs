using TypedIo.Redis.Tests.Infrastructure;
using TypedIo.Redis.Tests.Interop.Cluster;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Redis.Tests.Streams;

/// <summary>
/// No silent loss: two TypedIo nodes on the streams adapter keep broadcasting through a Redis stop and restart; the
/// broadcasts of the outage wait in the sending node's buffer, are written once Redis is back, and the other node's
/// reader goes on after the last entry it read. Every client gets every broadcast exactly once, in order.
/// </summary>
public sealed class StreamsOutageTests
{
    [Fact]
    public async Task Broadcasts_sent_while_redis_is_down_reach_every_client_exactly_once_after_it_is_back()
    {
        const int Count = 1000;
        await using var redis = await RedisServer.StartAsync();
        await using var sender = await ClusterNode.StartAsync(NodeKind.TypedIo, "typedio-1", redis.Endpoint, "streams");
        await using var receiver = await ClusterNode.StartAsync(NodeKind.TypedIo, "typedio-2", redis.Endpoint, "streams");
        await using var script = NodeScript.Start("cluster/streams-outage.mjs", sender.Url, receiver.Url, $"{Count}", "10");

        await script.WaitForEventAsync("sent-100", TimeSpan.FromSeconds(60));
        await redis.StopAsync();
        // About 7 s down: longer than StackExchange.Redis's own 5 s command timeout, so only the adapter's buffer and
        // retries keep these broadcasts.
        await script.WaitForEventAsync("sent-800", TimeSpan.FromSeconds(60));
        await redis.StartAgainAsync();
        await script.WaitForSuccessAsync(TimeSpan.FromSeconds(120));
        var result = await script.WaitForEventAsync("result");

        var expected = Enumerable.Range(0, Count).ToArray();
        Assert.Equal(expected, result.GetProperty("local").EnumerateArray().Select(e => e.GetInt32()).ToArray());
        var remote = result.GetProperty("remote").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        Assert.True(expected.SequenceEqual(remote), $"the other node's client got {remote.Length} of {Count}: {string.Join(',', remote)}\n{sender.Output}\n{receiver.Output}");
        // The outage did happen while the sender was sending: its writes failed, waited, and were retried.
        Assert.Contains("Writing to Redis stream socket.io failed", sender.Output, StringComparison.Ordinal);
    }
}
