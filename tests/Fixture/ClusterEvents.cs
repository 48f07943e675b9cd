using System.Text.Json;
using System.Text.Json.Nodes;
using TypedIo.SocketIo;

// These events exist only on cluster nodes (FIXTURE.md, "Cluster options"): not part of the typed contract of /.
#pragma warning disable TIO021

namespace TypedIo.Fixture;

/// <summary>
/// The extra events of <c>/</c> with <c>--redis</c> (FIXTURE.md, "Cluster options"). Untyped handlers next to the typed
/// hub: they exist only on cluster nodes, and their names and shapes are the contract's, not a typed hub's.
/// </summary>
internal static class ClusterEvents
{
    private static readonly TimeSpan AckTimeout = TimeSpan.FromMilliseconds(1500);

    public static void Map(SocketIoServer io, string nodeName)
    {
        var main = io.Of("/");
        main.OnServerSideEmit("cluster-hello", e =>
            main.Local.EmitAsync("cluster-hello", Arg(e.Args, 0), Arg(e.Args, 1), nodeName));
        main.OnServerSideEmit("cluster-ask", e => e.Ack(nodeName));
        main.OnConnection(socket =>
        {
            socket.On("node", e => e.Ack(nodeName));
            socket.On("fetch-ids", async e =>
            {
                var sockets = await main.FetchSocketsAsync();
                e.Ack((object)Sorted(sockets.Select(s => s.Id)));
            });
            socket.On("all-rooms", async e => e.Ack((object)Sorted(await main.Adapter.AllRoomsAsync())));
            socket.On("sockets-join", e =>
            {
                main.SocketsJoin(Text(e.Args, 0));
                e.Ack(true);
            });
            socket.On("sockets-leave", e =>
            {
                main.SocketsLeave(Text(e.Args, 0));
                e.Ack(true);
            });
            socket.On("disconnect-room", e =>
            {
                main.In(Text(e.Args, 0)).DisconnectSockets();
                e.Ack(true);
            });
            socket.On("broadcast-ack", async e =>
            {
                var result = await main.Except(socket.Id).EmitWithAckAsync(Text(e.Args, 0), [Arg(e.Args, 1)], AckTimeout);
                // Each answer as the client's first ack argument (what socket.io's broadcast ack collects), by JSON text.
                var responses = result.Responses.Select(r => r.Args.Count == 0 ? "null" : r.Args.GetNode(0)?.ToJsonString() ?? "null")
                    .Order(StringComparer.Ordinal).Select(json => JsonNode.Parse(json)).ToArray();
                e.Ack(new JsonObject { ["timedOut"] = !result.IsComplete, ["responses"] = new JsonArray(responses) });
            });
            socket.On("server-emit", e =>
            {
                main.ServerSideEmit("cluster-hello", Arg(e.Args, 0), nodeName);
                e.Ack(true);
            });
            socket.On("ask-nodes", async e =>
            {
                var result = await main.ServerSideEmitWithAckAsync("cluster-ask", [Arg(e.Args, 0)], AckTimeout);
                var replies = result.Responses.Select(r => r.ValueKind == JsonValueKind.String ? r.GetString()! : r.GetRawText())
                    .Order(StringComparer.Ordinal).ToArray();
                e.Ack(new JsonObject { ["timedOut"] = result.TimedOutServers > 0, ["replies"] = new JsonArray([.. replies.Select(r => JsonValue.Create(r))]) });
            });
        });
    }

    private static string[] Sorted(IEnumerable<string> values)
    {
        var array = values.ToArray();
        Array.Sort(array, StringComparer.Ordinal);
        return array;
    }

    private static string Text(SocketArgs args, int index) =>
        args.Count > index && args[index].ValueKind == JsonValueKind.String ? args[index].GetString()! : throw new ArgumentException($"Argument {index} must be a string.");

    private static object? Arg(SocketArgs args, int index) => args.Count > index ? args.GetNode(index) : null;
}
