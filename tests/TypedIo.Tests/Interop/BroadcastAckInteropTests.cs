using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using TypedIo.SocketIo;
using TypedIo.Tests.Infrastructure;
using TypedIo.Tests.SocketIo;
using static TypedIo.Tests.Interop.SocketIoInterop;

namespace TypedIo.Tests.Interop;

/// <summary>
/// A server broadcast with ack answered by several real <c>socket.io-client</c> 4.8.1 clients
/// (tests/js/socketio/broadcast-ack.mjs), one of which deliberately never answers. The server is a host of the test
/// on timers it fires itself, so the broadcast's timeout fires exactly when the answers are in.
/// </summary>
public sealed class BroadcastAckInteropTests
{
    private const string Script = "socketio/broadcast-ack.mjs";
    private static readonly TimeSpan AckTimeout = TimeSpan.FromSeconds(9.75);

    [Theory]
    [MemberData(nameof(Modes), MemberType = typeof(SocketIoInterop))]
    public async Task Real_clients_answer_a_broadcast_with_ack_and_the_silent_one_is_timed_out(string mode)
    {
        const int Clients = 4, Silent = 2;
        var timers = new ManualTimers();
        var sockets = new Recorder<Socket>();
        var answered = new Recorder<string>();
        await using var host = await SioTest.StartAsync(
            io => io.Of("/").OnConnection(socket =>
            {
                socket.On("answered", _ => answered.Add(socket.Id));
                sockets.Add(socket);
            }),
            services: s => s.AddSingleton<TimeProvider>(timers));
        var io = host.Services.GetRequiredSocketIo();
        await using var script = NodeScript.Start(Script, host.BaseAddress.ToString(), mode,
            new JsonObject { ["clients"] = Clients, ["silent"] = Arr(Silent) }.ToJsonString());

        var connected = await script.WaitForEventAsync("connected", ScenarioTimeout);
        var ids = connected.GetProperty("ids").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Equal(Clients, ids.Distinct().Count());
        Assert.All(connected.GetProperty("transports").EnumerateArray(), t => Assert.Equal(mode == "polling" ? "polling" : "websocket", t.GetString()));
        var serverIds = new HashSet<string>();
        for (var i = 0; i < Clients; i++)
            serverIds.Add((await script.WhileRunningAsync(sockets.NextAsync(), "the server sockets")).Id);
        Assert.Equal(ids.Order(StringComparer.Ordinal), serverIds.Order(StringComparer.Ordinal));

        var pending = io.Sockets.All.EmitWithAckAsync("poll", ["question", 42, new JsonObject { ["nested"] = true }], AckTimeout);

        // Each answering client emits "answered" after its ack, on the same connection: once the server has all of
        // them, it has handled every ack. Then the silent client is the only one left, and the timeout fires.
        var answeredIds = new HashSet<string>();
        for (var i = 0; i < Clients - 1; i++)
            answeredIds.Add(await script.WhileRunningAsync(answered.NextAsync(), "the clients' answers"));
        Assert.Equal(ids.Where((_, i) => i != Silent).Order(StringComparer.Ordinal), answeredIds.Order(StringComparer.Ordinal));
        Assert.False(pending.IsCompleted, "the silent client has not answered");
        Assert.Equal(1, timers.Fire(AckTimeout));
        var result = await pending.Within();

        Assert.Equal([ids[Silent]], result.TimedOut);
        Assert.Equal(Clients - 1, result.Responses.Count);
        foreach (var response in result.Responses)
        {
            var answer = JsonNode.Parse(response.Args[0].GetRawText())!;
            var index = answer["index"]!.GetValue<int>();
            Assert.Equal(ids[index], response.SocketId);
            AssertJson(Arr("question", 42, new JsonObject { ["nested"] = true }), answer["got"], $"what client {index} got");
            Assert.Single(response.Args);
        }

        await io.EmitAsync("bye");
        var outcome = await ResultAsync(script);
        var received = outcome["received"]!.AsArray();
        Assert.Equal(Clients, received.Count);
        foreach (var args in received)
            AssertJson(Arr("question", 42, new JsonObject { ["nested"] = true }), args, "the broadcast's arguments");
        AssertJson(Arr(0, 1, 3), outcome["answered"], "the clients that answered");
    }

    private static async Task<JsonObject> ResultAsync(NodeScript script)
    {
        var result = await script.WaitForEventAsync("result", ScenarioTimeout);
        await script.WaitForSuccessAsync(TimeSpan.FromSeconds(30));
        return (JsonObject)JsonNode.Parse(result.GetRawText())!;
    }
}
