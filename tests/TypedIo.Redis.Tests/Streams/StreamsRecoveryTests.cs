using System.Text.Json;
using TypedIo.Redis.Tests.Infrastructure;
using TypedIo.Redis.Tests.Interop.Cluster;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Redis.Tests.Streams;

/// <summary>
/// Connection state recovery across nodes on the streams adapter (<c>--recovery</c>): a real socket.io-client loses its
/// transport on one node and reconnects to the other, which restores its session from Redis (same id, same rooms,
/// <c>socket.recovered</c>) and replays every packet it missed from the stream, exactly once and in order, whichever
/// of the two nodes is Node's socket.io with <c>@socket.io/redis-streams-adapter</c> (<c>tests/js/cluster/recovery-move.mjs</c>).
/// </summary>
public sealed class StreamsRecoveryTests
{
    /// <param name="from">The node the client leaves.</param>
    /// <param name="to">The node it comes back to.</param>
    /// <param name="mode"><c>steps</c>: packets before, during and after the move; <c>continuous</c>: a packet every 5 ms throughout, so the return races packets in flight.</param>
    [Theory]
    [InlineData(NodeKind.TypedIo, NodeKind.TypedIo, "steps")]
    [InlineData(NodeKind.Node, NodeKind.TypedIo, "steps")]
    [InlineData(NodeKind.TypedIo, NodeKind.Node, "steps")]
    [InlineData(NodeKind.Node, NodeKind.Node, "steps")]
    // Continuous only where TypedIo restores: Node's adapter reads the missed packets, then the socket joins its rooms
    // later, and a packet its reader delivers in between is lost (seen on Node → Node: one packet missing).
    [InlineData(NodeKind.TypedIo, NodeKind.TypedIo, "continuous")]
    [InlineData(NodeKind.Node, NodeKind.TypedIo, "continuous")]
    public async Task A_client_that_moves_to_another_node_recovers_its_session_and_every_missed_packet_once(NodeKind from, NodeKind to, string mode)
    {
        await using var redis = await RedisServer.StartAsync();
        await using var first = await ClusterNode.StartAsync(from, "from", redis.Endpoint, "streams", "--recovery");
        await using var second = await ClusterNode.StartAsync(to, "to", redis.Endpoint, "streams", "--recovery");
        await using var script = NodeScript.Start("cluster/recovery-move.mjs", first.Url, second.Url, mode);
        JsonElement result;
        try
        {
            await script.WaitForSuccessAsync(TimeSpan.FromSeconds(60));
            result = await script.WaitForEventAsync("result");
        }
        catch (NodeScriptException ex)
        {
            throw new NodeScriptException($"{first} → {second}: {ex.Message}\n{first.Output}\n{second.Output}");
        }

        Assert.True(result.GetProperty("recovered").GetBoolean(), result.GetRawText());
        Assert.True(result.GetProperty("sameId").GetBoolean(), result.GetRawText());
        var closing = result.GetProperty("closing").GetInt32();
        Assert.Equal(Enumerable.Range(0, closing + 1), result.GetProperty("received").EnumerateArray().Select(e => e.GetInt32()));
        Assert.True(result.GetProperty("offsetsAreStrings").GetBoolean(), result.GetRawText());
        // Offsets are stream entry ids, the welcome's included.
        Assert.Matches("^[0-9]+-[0-9]+$", result.GetProperty("welcomeOffset").GetString());
        Assert.Matches("^[0-9]+-[0-9]+$", result.GetProperty("lastOffset").GetString());
        var rooms = result.GetProperty("rooms").EnumerateArray().Select(e => e.GetString()).ToArray();
        Assert.Equal(new[] { result.GetProperty("firstId").GetString(), result.GetProperty("room").GetString() }.Order(StringComparer.Ordinal), rooms);
    }
}
