using TypedIo.Redis.Tests.Interop;
using TypedIo.Redis.Tests.Interop.Cluster;

namespace TypedIo.Redis.Tests.Streams;

/// <summary>Two Node nodes with Node's streams adapter: the baseline.</summary>
public sealed class NodeOnlyStreamsCluster() : TwoNodeCluster(NodeKind.Node, NodeKind.Node, "streams");

/// <summary>A TypedIo node and a Node node on the streams adapter.</summary>
public sealed class MixedStreamsCluster() : TwoNodeCluster(NodeKind.TypedIo, NodeKind.Node, "streams");

/// <summary>Two TypedIo nodes on the streams adapter.</summary>
public sealed class TypedIoOnlyStreamsCluster() : TwoNodeCluster(NodeKind.TypedIo, NodeKind.TypedIo, "streams");

/// <summary>One mixed streams cluster shared by the tests of both directions (one after the other).</summary>
[CollectionDefinition(Name)]
public sealed class MixedStreamsClusterCollection : ICollectionFixture<MixedStreamsCluster>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "mixed streams cluster";
}

/// <summary>
/// What the streams adapter guarantees on top of the cross-node contract: a node's remote joins and broadcasts are
/// entries of one stream, read in order by every node, so a broadcast right after <c>socketsJoin</c> reaches the
/// joined sockets of the other node.
/// </summary>
public abstract class StreamsCrossNodeTests(TwoNodeCluster cluster, ClusterNode origin) : CrossNodeTests(cluster, origin)
{
    [Fact]
    public async Task A_broadcast_right_after_sockets_join_reaches_the_joined_sockets_of_the_other_node()
    {
        var result = await RunAsync("join-then-emit");
        Assert.Equal("in-fresh-room", result.GetProperty("first").GetString());
    }
}

/// <summary>Two Node nodes with the streams adapter: the baseline.</summary>
public sealed class NodeToNodeStreamsTests(NodeOnlyStreamsCluster cluster) : StreamsCrossNodeTests(cluster, cluster.First), IClassFixture<NodeOnlyStreamsCluster>;

/// <summary>Operations started on a TypedIo node, observed on a Node node, on the streams adapter.</summary>
[Collection(MixedStreamsClusterCollection.Name)]
public sealed class TypedIoToNodeStreamsTests(MixedStreamsCluster cluster) : StreamsCrossNodeTests(cluster, cluster.Of(NodeKind.TypedIo));

/// <summary>Operations started on a Node node, observed on a TypedIo node, on the streams adapter.</summary>
[Collection(MixedStreamsClusterCollection.Name)]
public sealed class NodeToTypedIoStreamsTests(MixedStreamsCluster cluster) : StreamsCrossNodeTests(cluster, cluster.Of(NodeKind.Node));

/// <summary>Two TypedIo nodes on the streams adapter.</summary>
public sealed class TypedIoToTypedIoStreamsTests(TypedIoOnlyStreamsCluster cluster) : StreamsCrossNodeTests(cluster, cluster.First), IClassFixture<TypedIoOnlyStreamsCluster>;
