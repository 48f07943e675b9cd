using System.Diagnostics;
using System.Text.Json;
using TypedIo.Redis.Tests.Infrastructure;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Redis.Tests.Cluster;

/// <summary>
/// Two TypedIo fixture nodes on one real redis-server, driven by the real socket.io-client
/// (tests/js/cluster/tio-cluster.mjs, which asserts each step): every cross-node operation in both directions, and the
/// faults: Redis restarted, a node paused and then killed (with the pub/sub, the sharded and the streams adapter).
/// </summary>
public sealed class ClusterTests
{
    private static readonly TimeSpan ScenarioTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Every_cross_node_operation_works_in_both_directions()
    {
        await using var cluster = await TypedIoCluster.StartAsync();
        await using var script = NodeScript.Start("cluster/tio-cluster.mjs", "cross", cluster.A.Url, cluster.B.Url, "A", "B");
        await script.WaitForSuccessAsync(ScenarioTimeout);
        // Each direction ran every step (room-emit and broadcast, socket id room, fetch-ids and all-rooms, socketsJoin and
        // socketsLeave, broadcast acks, server-side emits, disconnect-room).
        Assert.Equal(14, script.EventsNamed("step").Count);
    }

    [Theory]
    [InlineData("pubsub")]
    [InlineData("sharded")]
    [InlineData("streams")]
    public async Task After_a_Redis_restart_the_nodes_resubscribe_and_serve_again_and_clients_stay_connected(string adapter)
    {
        await using var cluster = await TypedIoCluster.StartAsync(adapter);
        var signal = TypedIoCluster.NewSignalPath();
        try
        {
            await using var script = NodeScript.Start("cluster/tio-cluster.mjs", "restart", cluster.A.Url, cluster.B.Url, signal);
            await script.WaitForEventAsync("ready");
            await cluster.Redis.RestartAsync();
            await File.WriteAllTextAsync(signal, "restarted");
            await script.WaitForSuccessAsync(ScenarioTimeout);
            Assert.False(cluster.A.HasExited);
            Assert.False(cluster.B.HasExited);
        }
        finally
        {
            File.Delete(signal);
        }
    }

    [Theory]
    [InlineData("pubsub")]
    [InlineData("sharded")]
    [InlineData("streams")]
    public async Task Requests_to_a_paused_or_killed_node_complete_within_their_timeout_with_the_answers_that_came(string adapter)
    {
        await using var cluster = await TypedIoCluster.StartAsync(adapter);
        var signal = TypedIoCluster.NewSignalPath();
        try
        {
            await using var script = NodeScript.Start("cluster/tio-cluster.mjs", "dead-node", cluster.A.Url, cluster.B.Url, signal);
            await script.WaitForEventAsync("ready");

            // Paused: still subscribed (Redis counts it), answering nothing.
            await SignalAsync("STOP", cluster.B.ProcessId);
            await File.WriteAllTextAsync(signal + ".1", "paused");
            var paused = await WaitForStepAsync(script, "paused node");
            Assert.InRange(paused.GetProperty("fetchMs").GetInt32(), 4_500, 8_000);        // requestsTimeout 5 s
            Assert.InRange(paused.GetProperty("broadcastAckMs").GetInt32(), 1_400, 4_000); // the broadcast's 1.5 s
            Assert.InRange(paused.GetProperty("askMs").GetInt32(), 1_400, 4_000);          // the emit's 1.5 s

            // Killed: its subscriptions are gone, the requests need not wait for it.
            await SignalAsync("KILL", cluster.B.ProcessId);
            await WaitUntilOneNodeIsSubscribedAsync(cluster.Redis, adapter);
            await File.WriteAllTextAsync(signal + ".2", "killed");
            await script.WaitForSuccessAsync(ScenarioTimeout);
            var killed = script.EventsNamed("step").Single(e => e.GetProperty("name").GetString() == "killed node");
            Assert.InRange(killed.GetProperty("fetchMs").GetInt32(), 0, 4_500);
            Assert.False(cluster.A.HasExited);
        }
        finally
        {
            File.Delete(signal + ".1");
            File.Delete(signal + ".2");
        }
    }

    /// <summary>Redis forgets a killed node when it sees its connections close: wait for that, not for a clock.</summary>
    private static async Task WaitUntilOneNodeIsSubscribedAsync(RedisServer redis, string adapter)
    {
        await using var connection = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redis.Endpoint);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var result = (StackExchange.Redis.RedisResult[])(adapter switch
            {
                "sharded" => await connection.GetDatabase().ExecuteAsync("PUBSUB", "SHARDNUMSUB", "socket.io#/#"),
                "streams" => await connection.GetDatabase().ExecuteAsync("PUBSUB", "NUMSUB", "socket.io#/#"),
                _ => await connection.GetDatabase().ExecuteAsync("PUBSUB", "NUMSUB", "socket.io-request#/#"),
            })!;
            if ((int)result[1] == 1)
                return;
            Assert.True(DateTime.UtcNow < deadline, "Redis still counts the killed node after 30 s");
            await Task.Yield();
        }
    }

    private static async Task<JsonElement> WaitForStepAsync(NodeScript script, string name)
    {
        await script.WaitForEventAsync("step", ScenarioTimeout);
        return script.EventsNamed("step").Single(e => e.GetProperty("name").GetString() == name);
    }

    private static async Task SignalAsync(string signal, int processId)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-" + signal, processId.ToString(System.Globalization.CultureInfo.InvariantCulture) } })!;
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }
}
