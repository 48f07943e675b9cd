using TypedIo.Redis.Tests.Infrastructure;

namespace TypedIo.Redis.Tests.Interop.Cluster;

/// <summary>
/// A private redis-server and two nodes on it (started in parallel), shared by the tests of a class or collection:
/// <see cref="First"/> of kind <c>firstKind</c>, <see cref="Second"/> of kind <c>secondKind</c>.
/// </summary>
public abstract class TwoNodeCluster(NodeKind firstKind, NodeKind secondKind, string adapter = "pubsub") : IAsyncLifetime
{
    private RedisServer? _redis;

    /// <summary>The Redis both nodes use.</summary>
    public RedisServer Redis => _redis ?? throw new InvalidOperationException("The cluster is not started.");

    /// <summary>The first node.</summary>
    public ClusterNode First { get; private set; } = null!;

    /// <summary>The second node.</summary>
    public ClusterNode Second { get; private set; } = null!;

    /// <summary>The adapter both nodes run.</summary>
    public string Adapter => adapter;

    /// <summary>The node of that kind (the first one when both are).</summary>
    public ClusterNode Of(NodeKind kind) => First.Kind == kind ? First : Second;

    /// <summary>The other node.</summary>
    public ClusterNode Other(ClusterNode node) => node == First ? Second : First;

    /// <summary>Both nodes' output, for failure messages.</summary>
    public string Output => $"{First?.Output}\n{Second?.Output}";

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        var first = ClusterNode.StartAsync(firstKind, Name(firstKind, 1), _redis.Endpoint, adapter);
        var second = ClusterNode.StartAsync(secondKind, Name(secondKind, 2), _redis.Endpoint, adapter);
        try
        {
            First = await first;
        }
        finally
        {
            Second = await second;
        }
    }

    private static string Name(NodeKind kind, int index) => $"{(kind == NodeKind.Node ? "node" : "typedio")}-{index}";

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        await Task.WhenAll(
            First is null ? Task.CompletedTask : First.DisposeAsync().AsTask(),
            Second is null ? Task.CompletedTask : Second.DisposeAsync().AsTask());
        if (_redis is not null)
            await _redis.DisposeAsync();
    }
}

/// <summary>Two Node nodes: the baseline every other cluster must match.</summary>
public sealed class NodeOnlyCluster() : TwoNodeCluster(NodeKind.Node, NodeKind.Node);

/// <summary>Two Node nodes with Node's sharded adapter (<c>createShardedAdapter</c>).</summary>
public sealed class NodeOnlyShardedCluster() : TwoNodeCluster(NodeKind.Node, NodeKind.Node, "sharded");

/// <summary>A TypedIo node and a Node node.</summary>
public sealed class MixedCluster() : TwoNodeCluster(NodeKind.TypedIo, NodeKind.Node);

/// <summary>Two TypedIo nodes.</summary>
public sealed class TypedIoOnlyCluster() : TwoNodeCluster(NodeKind.TypedIo, NodeKind.TypedIo);

/// <summary>A TypedIo node and a Node node with the sharded adapter.</summary>
public sealed class MixedShardedCluster() : TwoNodeCluster(NodeKind.TypedIo, NodeKind.Node, "sharded");

/// <summary>Two TypedIo nodes with the sharded adapter.</summary>
public sealed class TypedIoOnlyShardedCluster() : TwoNodeCluster(NodeKind.TypedIo, NodeKind.TypedIo, "sharded");

/// <summary>One Node-only cluster shared by the tests that use it (they run one after the other: cluster-wide checks).</summary>
[CollectionDefinition(Name)]
public sealed class NodeOnlyClusterCollection : ICollectionFixture<NodeOnlyCluster>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "node-only cluster";
}

/// <summary>One mixed cluster shared by the tests of both directions and the emitter tests (one after the other).</summary>
[CollectionDefinition(Name)]
public sealed class MixedClusterCollection : ICollectionFixture<MixedCluster>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "mixed cluster";
}

/// <summary>One TypedIo-only cluster shared by the tests that use it.</summary>
[CollectionDefinition(Name)]
public sealed class TypedIoOnlyClusterCollection : ICollectionFixture<TypedIoOnlyCluster>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "typedio-only cluster";
}

/// <summary>One mixed sharded cluster shared by the tests of both directions (one after the other).</summary>
[CollectionDefinition(Name)]
public sealed class MixedShardedClusterCollection : ICollectionFixture<MixedShardedCluster>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "mixed sharded cluster";
}
