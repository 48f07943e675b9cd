using System.Diagnostics;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Redis.Tests.Interop.Cluster;

/// <summary>Which server a cluster node runs.</summary>
public enum NodeKind
{
    /// <summary>Node's socket.io 4.8.4 with the official adapter (<c>tests/js/cluster/node-server.mjs</c>).</summary>
    Node,

    /// <summary>The TypedIo fixture (<c>tests/Fixture</c>) with TypedIo.Redis.</summary>
    TypedIo,
}

/// <summary>One node of a test cluster: a Node or a TypedIo process on one Redis, named <see cref="Name"/>.</summary>
public sealed class ClusterNode : IAsyncDisposable
{
    private readonly NodeServerProcess? _node;
    private readonly FixtureProcess? _fixture;

    private ClusterNode(NodeKind kind, string name, NodeServerProcess? node, FixtureProcess? fixture)
    {
        Kind = kind;
        Name = name;
        _node = node;
        _fixture = fixture;
    }

    /// <summary>The kind of server.</summary>
    public NodeKind Kind { get; }

    /// <summary>The node's <c>--node-name</c>.</summary>
    public string Name { get; }

    /// <summary>The node's base address.</summary>
    public string Url => _node?.Url ?? _fixture!.Url;

    /// <summary>The node's process id (the <c>dotnet</c> or <c>node</c> process that serves).</summary>
    public int ProcessId => _node?.ProcessId ?? _fixture!.ProcessId;

    /// <summary>Everything the node printed, for failure messages.</summary>
    public string Output => _node?.Output ?? _fixture!.Output;

    /// <summary>
    /// Starts a node of <paramref name="kind"/> on <paramref name="redis"/> (<c>HOST:PORT</c>) with the fixture's cluster
    /// options (<c>--redis</c>, <c>--adapter</c>, <c>--node-name</c>) and any <paramref name="extra"/> arguments.
    /// </summary>
    public static async Task<ClusterNode> StartAsync(NodeKind kind, string name, string redis, string adapter = "pubsub", params string[] extra)
    {
        string[] args = ["--redis", redis, "--adapter", adapter, "--node-name", name, .. extra];
        return kind == NodeKind.Node
            ? new ClusterNode(kind, name, await NodeServerProcess.StartAsync(args), null)
            : new ClusterNode(kind, name, null, await FixtureProcess.StartAsync(args));
    }

    /// <summary>
    /// Kills the node's process tree at once (SIGKILL, as a crash: nothing is said to its clients or to Redis, no
    /// session is persisted) and waits until it has exited.
    /// </summary>
    public async Task KillAsync()
    {
        Process process;
        try
        {
            process = Process.GetProcessById(ProcessId);
        }
        catch (ArgumentException)
        {
            return; // it has exited already
        }
        using (process)
        {
            ChildProcess.KillTree(process);
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{Kind} node '{Name}' at {Url}";

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_node is not null)
            await _node.DisposeAsync();
        if (_fixture is not null)
            await _fixture.DisposeAsync();
    }
}
