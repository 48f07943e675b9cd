using System.Text.Json;
using System.Text.Json.Nodes;
using TypedIo.Redis.Tests.Interop.Cluster;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Redis.Tests.Interop;

/// <summary>
/// Every cross-node operation of the fixture's cluster contract (FIXTURE.md, "Cluster options"), started by a real
/// socket.io-client on the origin node and observed on the other node (<c>tests/js/cluster/cross-node.mjs</c>). The
/// same tests run on a Node-only cluster (the baseline), on a mixed cluster in both directions, and on a TypedIo-only
/// cluster: a mixed cluster must pass what a Node-only cluster passes.
/// </summary>
public abstract class CrossNodeTests(TwoNodeCluster cluster, ClusterNode origin)
{
    /// <summary>What the script's clients receive for its payload (strings, ints of several widths, a float, nested values, binary).</summary>
    private const string Payload =
        """{"text":"héllo ✓","small":7,"negative":-129,"wide":70000,"huge":4294967296,"float":1.5,"nested":{"list":[1,"two",null,true,{"deep":[false]}]},"bin":{"$bin":"AAEC/v8="}}""";

    private const string PlainPayload =
        """{"text":"héllo ✓","small":7,"negative":-129,"wide":70000,"huge":4294967296,"float":1.5,"nested":{"list":[1,"two",null,true,{"deep":[false]}]}}""";

    private readonly ClusterNode _target = cluster.Other(origin);

    [Fact]
    public async Task Room_emit_reaches_the_room_on_both_nodes_and_a_socket_id_works_as_a_room()
    {
        var result = await RunAsync("room-emit");
        AssertJson($"[{Payload},\"second\"]", result.GetProperty("target"));
        AssertJson($"[{Payload},\"second\"]", result.GetProperty("originMember"));
        Assert.Equal("direct", result.GetProperty("targetOther").GetString());
        Assert.Equal("marker", result.GetProperty("sender").GetString());
    }

    [Theory]
    [InlineData("websocket")]
    [InlineData("polling")]
    public async Task Broadcast_reaches_every_socket_of_the_cluster_but_the_sender(string mode)
    {
        var result = await RunAsync("broadcast", mode);
        AssertJson($"[{Payload}]", result.GetProperty("target1"));
        AssertJson($"[{Payload}]", result.GetProperty("target2"));
        AssertJson($"[{Payload}]", result.GetProperty("origin"));
        Assert.Equal("end", result.GetProperty("sender").GetString());
    }

    [Fact]
    public async Task Disconnect_me_removes_the_socket_from_the_cluster_seen_from_the_other_node()
    {
        var result = await RunAsync("disconnect-me");
        Assert.Equal("io server disconnect", result.GetProperty("reason").GetString());
        AssertJson(result.GetProperty("expectedBefore"), result.GetProperty("before"));
        AssertJson(result.GetProperty("expectedAfter"), result.GetProperty("after"));
    }

    [Fact]
    public async Task Fetch_ids_lists_the_sockets_of_both_nodes()
    {
        var result = await RunAsync("fetch-ids");
        AssertJson(result.GetProperty("expected"), result.GetProperty("ids"));
    }

    [Fact]
    public async Task All_rooms_lists_the_rooms_of_both_nodes()
    {
        var result = await RunAsync("all-rooms");
        if (cluster.Adapter != "pubsub" && origin.Kind == NodeKind.Node)
        {
            // Node's sharded and streams adapters have no cluster-wide allRooms(): the fixture contract answers an error.
            Assert.True(result.GetProperty("rooms").TryGetProperty("error", out _), result.GetRawText());
            return;
        }
        AssertJson(result.GetProperty("expected"), result.GetProperty("rooms"));
    }

    [Fact]
    public async Task Sockets_join_and_leave_reach_the_sockets_of_both_nodes()
    {
        var result = await RunAsync("sockets-join-leave");
        var room = result.GetProperty("room").GetString();
        Assert.True(result.GetProperty("joinAck").GetBoolean());
        Assert.True(result.GetProperty("leaveAck").GetBoolean());
        AssertJson(Sorted(result.GetProperty("b1").GetString(), room), result.GetProperty("targetJoined"));
        AssertJson(Sorted(result.GetProperty("a1").GetString(), room), result.GetProperty("originJoined"));
        AssertJson("[1]", result.GetProperty("delivered"));
        AssertJson(Sorted(result.GetProperty("a1").GetString()), result.GetProperty("originLeft"));
        AssertJson(Sorted(result.GetProperty("b1").GetString()), result.GetProperty("targetLeft"));
    }

    [Fact]
    public async Task Disconnect_room_disconnects_the_room_on_both_nodes_and_no_one_else()
    {
        var result = await RunAsync("disconnect-room");
        Assert.True(result.GetProperty("ack").GetBoolean());
        Assert.Equal("io server disconnect", result.GetProperty("targetReason").GetString());
        Assert.Equal("io server disconnect", result.GetProperty("originReason").GetString());
        Assert.True(result.GetProperty("targetOtherCount").GetInt32() >= 1);
        Assert.True(result.GetProperty("senderConnected").GetBoolean());
    }

    [Fact]
    public async Task Broadcast_with_ack_collects_the_answers_of_both_nodes()
    {
        var result = await RunAsync("broadcast-ack");
        AssertJson(
            """
            {"timedOut":false,"responses":[
              {"from":"a2","event":"question","small":7,"bin":5},
              {"from":"b1","event":"question","small":7,"bin":5},
              {"from":"b2","event":"question","small":7,"bin":5}]}
            """,
            result.GetProperty("reply"));
    }

    [Fact]
    public async Task Broadcast_with_ack_times_out_with_the_answers_that_came()
    {
        var result = await RunAsync("broadcast-ack-timeout");
        AssertJson("""{"timedOut":true,"responses":["a2","b1"]}""", result.GetProperty("reply"));
        Assert.True(result.GetProperty("silentGotIt").GetBoolean());
        var elapsed = result.GetProperty("elapsedMs").GetInt32();
        Assert.InRange(elapsed, 1400, 6000);
    }

    [Fact]
    public async Task Server_side_emit_reaches_the_other_node_and_not_its_own()
    {
        var result = await RunAsync("server-emit");
        var (from, to) = (origin.Name, _target.Name);
        AssertJson($"[{PlainPayload},\"{from}\",\"{to}\"]", result.GetProperty("target"));
        AssertJson($"[\"back\",\"{to}\",\"{from}\"]", result.GetProperty("origin"));
        AssertJson($"[\"back\",\"{to}\",\"{from}\"]", result.GetProperty("originOther"));
        Assert.Equal(from, result.GetProperty("originName").GetString());
        Assert.Equal(to, result.GetProperty("targetName").GetString());
    }

    [Fact]
    public async Task Server_side_emit_with_ack_gets_the_other_node_s_answer()
    {
        var result = await RunAsync("ask-nodes");
        AssertJson($$"""{"timedOut":false,"replies":["{{_target.Name}}"]}""", result.GetProperty("reply"));
        AssertJson($$"""{"timedOut":false,"replies":["{{origin.Name}}"]}""", result.GetProperty("back"));
    }

    [Fact]
    public async Task Count_stays_local_to_each_node()
    {
        var result = await RunAsync("count");
        Assert.Equal(2, result.GetProperty("origin").GetInt32());
        Assert.Equal(1, result.GetProperty("target").GetInt32());
    }

    /// <summary>Runs a scenario of cross-node.mjs from the origin node and returns what it observed.</summary>
    protected async Task<JsonElement> RunAsync(string scenario, string mode = "websocket")
    {
        await using var script = NodeScript.Start("cluster/cross-node.mjs", origin.Url, _target.Url, scenario, $$"""{"mode":"{{mode}}"}""");
        try
        {
            await script.WaitForSuccessAsync(TimeSpan.FromSeconds(45));
            return (await script.WaitForEventAsync("result")).Clone();
        }
        catch (NodeScriptException ex)
        {
            throw new NodeScriptException($"{origin} → {_target}: {ex.Message}\n{cluster.Output}");
        }
    }

    private static string Sorted(params string?[] values) =>
        JsonSerializer.Serialize(values.Order(StringComparer.Ordinal).ToArray());

    private static void AssertJson(string expected, JsonElement actual) =>
        AssertJson(JsonNode.Parse(expected), actual);

    private static void AssertJson(JsonElement expected, JsonElement actual) =>
        AssertJson(JsonNode.Parse(expected.GetRawText()), actual);

    private static void AssertJson(JsonNode? expected, JsonElement actual)
    {
        var node = JsonNode.Parse(actual.GetRawText());
        Assert.True(JsonNode.DeepEquals(expected, node), $"expected {expected?.ToJsonString()}\n  actual {node?.ToJsonString()}");
    }
}

/// <summary>
/// What the pub/sub adapter guarantees on top: one publisher's messages are handled in Redis's order on every node, so a
/// broadcast right after <c>socketsJoin</c> reaches the joined sockets. (Node's sharded adapter does not keep this: its
/// per-room channel is subscribed only after the join, and the broadcast is lost.)
/// </summary>
public abstract class PubSubCrossNodeTests(TwoNodeCluster cluster, ClusterNode origin) : CrossNodeTests(cluster, origin)
{
    [Fact]
    public async Task A_broadcast_right_after_sockets_join_reaches_the_joined_sockets_of_the_other_node()
    {
        var result = await RunAsync("join-then-emit");
        Assert.Equal("in-fresh-room", result.GetProperty("first").GetString());
    }
}

/// <summary>Two Node nodes: the baseline.</summary>
[Collection(NodeOnlyClusterCollection.Name)]
public sealed class NodeToNodeTests(NodeOnlyCluster cluster) : PubSubCrossNodeTests(cluster, cluster.First);

/// <summary>Two Node nodes with the sharded adapter (SPUBLISH/SSUBSCRIBE): the baseline for a sharded TypedIo adapter.</summary>
public sealed class NodeToNodeShardedTests(NodeOnlyShardedCluster cluster) : CrossNodeTests(cluster, cluster.First), IClassFixture<NodeOnlyShardedCluster>;

/// <summary>Operations started on a TypedIo node, observed on a Node node.</summary>
[Collection(MixedClusterCollection.Name)]
public sealed class TypedIoToNodeTests(MixedCluster cluster) : PubSubCrossNodeTests(cluster, cluster.Of(NodeKind.TypedIo));

/// <summary>Operations started on a Node node, observed on a TypedIo node.</summary>
[Collection(MixedClusterCollection.Name)]
public sealed class NodeToTypedIoTests(MixedCluster cluster) : PubSubCrossNodeTests(cluster, cluster.Of(NodeKind.Node));

/// <summary>Two TypedIo nodes.</summary>
[Collection(TypedIoOnlyClusterCollection.Name)]
public sealed class TypedIoToTypedIoTests(TypedIoOnlyCluster cluster) : PubSubCrossNodeTests(cluster, cluster.First);

/// <summary>Sharded adapter: operations started on a TypedIo node, observed on a Node node.</summary>
[Collection(MixedShardedClusterCollection.Name)]
public sealed class TypedIoToNodeShardedTests(MixedShardedCluster cluster) : CrossNodeTests(cluster, cluster.Of(NodeKind.TypedIo));

/// <summary>Sharded adapter: operations started on a Node node, observed on a TypedIo node.</summary>
[Collection(MixedShardedClusterCollection.Name)]
public sealed class NodeToTypedIoShardedTests(MixedShardedCluster cluster) : CrossNodeTests(cluster, cluster.Of(NodeKind.Node));

/// <summary>Sharded adapter: two TypedIo nodes.</summary>
public sealed class TypedIoToTypedIoShardedTests(TypedIoOnlyShardedCluster cluster) : CrossNodeTests(cluster, cluster.First), IClassFixture<TypedIoOnlyShardedCluster>;
