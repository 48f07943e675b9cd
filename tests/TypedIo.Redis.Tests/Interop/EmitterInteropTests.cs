using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using TypedIo.Redis.Tests.Interop.Cluster;
using TypedIo.SocketIo;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Redis.Tests.Interop;

/// <summary>
/// An emitter (a process with no server) reaching the clients of both nodes of a cluster through Redis: to all, to
/// rooms, except, another namespace, socketsJoin/Leave, disconnectSockets and serverSideEmit, with the same calls made
/// by Node's <c>@socket.io/redis-emitter</c> (<c>tests/js/cluster/node-emitter.mjs</c>) and, where the cluster allows,
/// by TypedIo's emitter. The clients (<c>tests/js/cluster/listen.mjs</c>) only listen, and every event each one got
/// is compared in order.
/// </summary>
public abstract class EmitterInteropTests(TwoNodeCluster cluster)
{
    /// <summary>The emitter calls, in order (the JSON that node-emitter.mjs takes).</summary>
    public const string Commands =
        """
        [
          {"op":"emit","args":["all",{"n":-129,"bin":{"$bin":"AAEC"}},"x"]},
          {"op":"emit","to":["room-a"],"args":["room",1]},
          {"op":"emit","to":["room-a"],"except":["room-b"],"args":["except",2]},
          {"op":"emit","nsp":"/admin","args":["admin",3]},
          {"op":"socketsJoin","args":["joined"]},
          {"op":"emit","to":["joined"],"args":["after-join"]},
          {"op":"socketsLeave","to":["room-a"],"args":["joined"]},
          {"op":"emit","to":["joined"],"args":["after-leave"]},
          {"op":"serverSideEmit","args":["cluster-hello","hi","emitter"]},
          {"op":"disconnectSockets","to":["room-b"],"args":[true]},
          {"op":"emit","args":["end"]},
          {"op":"emit","nsp":"/admin","args":["end"]}
        ]
        """;

    [Fact]
    public async Task Node_emitter_reaches_the_clients_of_both_nodes()
    {
        await RunAsync(async redis =>
        {
            await using var emitter = NodeScript.Start("cluster/node-emitter.mjs", redis, Commands);
            await emitter.WaitForSuccessAsync();
        });
    }

    [Fact]
    public async Task TypedIo_emitter_reaches_the_clients_of_both_nodes()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddTypedIo().AddRedisEmitter(o => o.Configuration = cluster.Redis.Endpoint);
        await using var provider = services.BuildServiceProvider();
        var io = provider.GetRequiredService<SocketIoServer>();
        await RunAsync(async _ =>
        {
            using var commands = JsonDocument.Parse(Commands);
            foreach (var command in commands.RootElement.EnumerateArray())
                await RunAsync(io, command);
        });
    }

    /// <summary>One command of <see cref="Commands"/> through TypedIo's emitter.</summary>
    private static async Task RunAsync(SocketIoServer io, JsonElement command)
    {
        var nsp = io.Of(command.TryGetProperty("nsp", out var n) ? n.GetString()! : "/");
        var target = nsp.All.To(Strings(command, "to"));
        if (Strings(command, "except") is { Length: > 0 } except)
            target = target.Except(except);
        foreach (var flag in Strings(command, "flags"))
            target = flag == "volatile" ? target.Volatile : target.Compress(false);
        var args = command.GetProperty("args").EnumerateArray().Select(Revive).ToArray();
        switch (command.GetProperty("op").GetString())
        {
            case "emit":
                await target.EmitAsync((string)args[0]!, args[1..]);
                break;
            case "socketsJoin":
                target.SocketsJoin((string)args[0]!);
                break;
            case "socketsLeave":
                target.SocketsLeave((string)args[0]!);
                break;
            case "disconnectSockets":
                target.DisconnectSockets((bool)args[0]!);
                break;
            case "serverSideEmit":
                nsp.ServerSideEmit((string)args[0]!, args[1..]);
                break;
            default:
                throw new InvalidOperationException($"unknown op in {command}");
        }
    }

    private static string[] Strings(JsonElement command, string name) =>
        command.TryGetProperty(name, out var value) ? [.. value.EnumerateArray().Select(v => v.GetString()!)] : [];

    /// <summary>A JSON value as the .NET value an application would emit; <c>{"$bin": base64}</c> is a byte array.</summary>
    private static object? Revive(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object when value.TryGetProperty("$bin", out var bin) => Convert.FromBase64String(bin.GetString()!),
        JsonValueKind.Object => value.EnumerateObject().ToDictionary(p => p.Name, p => Revive(p.Value)),
        JsonValueKind.Array => value.EnumerateArray().Select(Revive).ToList(),
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.TryGetInt64(out var l) ? l : value.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    /// <summary>Starts the listening clients, lets <paramref name="emit"/> run the commands, and checks what each client got.</summary>
    protected async Task RunAsync(Func<string, Task> emit)
    {
        var (first, second) = (cluster.First, cluster.Second);
        var clients = new JsonArray(
            Client("n1x", first, "room-a"),
            Client("n1y", first, "room-a", "room-b"),
            Client("n2x", second, "room-a"),
            Client("n2y", second),
            Client("n2z", second, "room-b"),
            new JsonObject { ["name"] = "admin", ["url"] = second.Url, ["nsp"] = "/admin", ["auth"] = new JsonObject { ["token"] = "secret" } });
        await using var listener = NodeScript.Start("cluster/listen.mjs", new JsonObject { ["clients"] = clients }.ToJsonString());
        try
        {
            await listener.WaitForEventAsync("ready");
            await emit(cluster.Redis.Endpoint);
            await listener.WaitForSuccessAsync();
        }
        catch (NodeScriptException ex)
        {
            throw new NodeScriptException($"{ex.Message}\n{cluster.Output}");
        }
        var got = (await listener.WaitForEventAsync("result")).GetProperty("clients");

        const string all = """["all",{"n":-129,"bin":{"$bin":"AAEC"}},"x"]""";
        string Hello(ClusterNode node) => $"""["cluster-hello","hi","emitter","{node.Name}"]""";
        var failures = new List<string>();
        AssertEvents(failures, got, "n1x", all, """["room",1]""", """["except",2]""", """["after-join"]""", Hello(first), """["end"]""");
        AssertEvents(failures, got, "n1y", all, """["room",1]""", """["after-join"]""", Hello(first), """["disconnect","io server disconnect"]""");
        AssertEvents(failures, got, "n2x", all, """["room",1]""", """["except",2]""", """["after-join"]""", Hello(second), """["end"]""");
        AssertEvents(failures, got, "n2y", all, """["after-join"]""", """["after-leave"]""", Hello(second), """["end"]""");
        AssertEvents(failures, got, "n2z", all, """["after-join"]""", """["after-leave"]""", Hello(second), """["disconnect","io server disconnect"]""");
        AssertEvents(failures, got, "admin", """["admin",3]""", """["end"]""");
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    private static JsonObject Client(string name, ClusterNode node, params string[] rooms) =>
        new() { ["name"] = name, ["url"] = node.Url, ["rooms"] = new JsonArray([.. rooms.Select(r => (JsonNode?)r)]) };

    private static void AssertEvents(List<string> failures, JsonElement got, string client, params string[] expected)
    {
        var actual = JsonNode.Parse(got.GetProperty(client).GetRawText());
        var wanted = JsonNode.Parse($"[{string.Join(',', expected)}]");
        if (!JsonNode.DeepEquals(wanted, actual))
            failures.Add($"{client}: expected {wanted?.ToJsonString()}\n  actual {actual?.ToJsonString()}");
    }
}

/// <summary>The emitters on two Node nodes: the baseline.</summary>
[Collection(NodeOnlyClusterCollection.Name)]
public sealed class EmitterToNodeNodesTests(NodeOnlyCluster cluster) : EmitterInteropTests(cluster);

/// <summary>The emitters on a mixed cluster (TypedIo node first).</summary>
[Collection(MixedClusterCollection.Name)]
public sealed class EmitterToMixedNodesTests(MixedCluster cluster) : EmitterInteropTests(cluster);

/// <summary>The emitters on two TypedIo nodes.</summary>
[Collection(TypedIoOnlyClusterCollection.Name)]
public sealed class EmitterToTypedIoNodesTests(TypedIoOnlyCluster cluster) : EmitterInteropTests(cluster);
