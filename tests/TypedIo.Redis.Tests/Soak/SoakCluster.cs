using System.Text.Json.Nodes;
using TypedIo.Redis.Tests.Infrastructure;
using TypedIo.Redis.Tests.Interop.Cluster;

namespace TypedIo.Redis.Tests.Soak;

/// <summary>
/// The soak's cluster: a private redis-server (persistent), two TypedIo fixture nodes and one Node socket.io node, all on the
/// streams adapter with connection state recovery. <see cref="Survivor"/> and <see cref="Node"/> carry the senders and
/// live through the run; <see cref="Killed"/> is killed in the middle of it.
/// </summary>
internal sealed class SoakCluster : IAsyncDisposable
{
    private SoakCluster(RedisServer redis, ClusterNode survivor, ClusterNode killed, ClusterNode node)
    {
        Redis = redis;
        Survivor = survivor;
        Killed = killed;
        Node = node;
    }

    public RedisServer Redis { get; }

    /// <summary>The TypedIo node that lives through the run; its memory is measured.</summary>
    public ClusterNode Survivor { get; }

    /// <summary>The TypedIo node killed (SIGKILL) in the middle of the run.</summary>
    public ClusterNode Killed { get; }

    /// <summary>Node's socket.io with <c>@socket.io/redis-streams-adapter</c>.</summary>
    public ClusterNode Node { get; }

    /// <summary>Every node's output, for failure messages.</summary>
    public string Output => $"{Survivor.Output}\n{Killed.Output}\n{Node.Output}";

    /// <summary>Starts Redis, then the three nodes in parallel.</summary>
    public static async Task<SoakCluster> StartAsync()
    {
        // With an append-only file synced before every reply: what Redis acknowledged survives its kill and restart.
        // Without it the restarted stream is empty, and an entry a node had not read yet when Redis died is gone for
        // that node (docs/scale-out.md, "Limits"); the soak then loses a broadcast in about one run of five.
        var redis = await RedisServer.StartAsync(persistent: true);
        var starting = new[]
        {
            ClusterNode.StartAsync(NodeKind.TypedIo, "typedio-1", redis.Endpoint, "streams", "--recovery"),
            ClusterNode.StartAsync(NodeKind.TypedIo, "typedio-2", redis.Endpoint, "streams", "--recovery"),
            ClusterNode.StartAsync(NodeKind.Node, "node-1", redis.Endpoint, "streams", "--recovery"),
        };
        try
        {
            await Task.WhenAll(starting);
        }
        catch
        {
            foreach (var node in starting.Where(t => t.IsCompletedSuccessfully))
                await node.Result.DisposeAsync();
            await redis.DisposeAsync();
            throw;
        }
        return new SoakCluster(redis, starting[0].Result, starting[1].Result, starting[2].Result);
    }

    /// <summary>The nodes as <c>tests/js/cluster/soak.mjs</c> takes them: the senders' nodes first, the killed one last.</summary>
    public JsonArray ScriptNodes() =>
    [
        Describe(Survivor, "sender"),
        Describe(Node, "sender"),
        Describe(Killed, "killed"),
    ];

    private static JsonObject Describe(ClusterNode node, string role) => new()
    {
        ["name"] = node.Name,
        ["url"] = node.Url,
        ["kind"] = node.Kind == NodeKind.Node ? "node" : "typedio",
        ["role"] = role,
    };

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(Survivor.DisposeAsync().AsTask(), Killed.DisposeAsync().AsTask(), Node.DisposeAsync().AsTask());
        await Redis.DisposeAsync();
    }
}
