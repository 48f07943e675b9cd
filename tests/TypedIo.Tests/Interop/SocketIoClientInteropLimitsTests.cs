using System.Text.Json.Nodes;
using TypedIo.Tests.Infrastructure;
using static TypedIo.Tests.Interop.SocketIoInterop;

namespace TypedIo.Tests.Interop;

/// <summary>
/// The fixture's max payload (1,000,000 bytes) and many clients at once, with the real <c>socket.io-client</c> 4.8.1.
/// </summary>
public sealed class SocketIoClientInteropLimitsTests(SharedFixtureProcess shared) : IClassFixture<SharedFixtureProcess>
{
    private readonly FixtureProcess _fixture = shared.Process;

    /// <summary>
    /// A message over the limit closes the connection. What Node's socket.io 4.8 (engine.io 6.6) does, and so what its
    /// client sees: over WebSocket, <c>ws</c> (maxPayload = maxHttpBufferSize) closes with 1009 and the client reports
    /// <c>transport close</c>; over polling, the POST gets 413 and the client reports <c>transport error</c>
    /// (<c>xhr post error</c>, description 413).
    /// </summary>
    [Theory]
    [MemberData(nameof(Modes), MemberType = typeof(SocketIoInterop))]
    public async Task MessageOverOneMillionBytes_ClosesTheConnection_AsNodeDoes(string mode)
    {
        // echo("aaa…"): the packet 42["echo","…"] is 1,000,013 bytes.
        var result = await RunAsync(_fixture, mode, "size", new JsonObject { ["size"] = 1_000_001 });

        Assert.True(result["kind"]!.GetValue<string>() == "disconnect", $"expected a disconnect, got {result.ToJsonString()}");
        Assert.False(result["connected"]!.GetValue<bool>());
        var details = result["details"]!;
        if (mode == "polling")
        {
            Assert.Equal("transport error", result["reason"]!.GetValue<string>());
            Assert.Equal("xhr post error", details["message"]!.GetValue<string>());
            Assert.Equal(413, details["description"]!.GetValue<int>());
        }
        else
        {
            Assert.Equal("websocket", result["transport"]!.GetValue<string>());
            Assert.Equal("transport close", result["reason"]!.GetValue<string>());
            Assert.Equal("websocket connection closed", details["description"]!.GetValue<string>());
            Assert.Equal(1009, details["code"]!.GetValue<int>());
        }
    }

    [Theory]
    [MemberData(nameof(Modes), MemberType = typeof(SocketIoInterop))]
    public async Task MessageOf900000Bytes_EchoesIntact(string mode)
    {
        var result = await RunAsync(_fixture, mode, "size", new JsonObject { ["size"] = 900_000 });

        Assert.True(result["kind"]!.GetValue<string>() == "echo", $"expected the echo, got {result.ToJsonString()}");
        Assert.Equal(900_000, result["length"]!.GetValue<int>());
        Assert.True(result["intact"]!.GetValue<bool>());
        Assert.True(result["connected"]!.GetValue<bool>());
        Assert.Equal(mode == "polling" ? "polling" : "websocket", result["transport"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Modes), MemberType = typeof(SocketIoInterop))]
    public async Task FiftyClients_TwoHundredOrderedEchoesEach_NothingLostDuplicatedOrReordered(string mode)
    {
        const int clients = 50, count = 200;

        var result = await RunAsync(_fixture, mode, "load", new JsonObject
        {
            ["clients"] = clients,
            ["count"] = count,
            ["timeoutMs"] = 240_000,
            ["waitMs"] = 60_000,
            ["loadWaitMs"] = 150_000,
        }, TimeSpan.FromSeconds(300));

        var results = result["clients"]!.AsArray();
        Assert.Equal(clients, results.Count);
        var expected = Enumerable.Range(0, count).ToArray();
        foreach (var client in results)
        {
            var index = client!["index"]!.GetValue<int>();
            var seqs = client["seqs"]!.AsArray().Select(s => s!.GetValue<int>()).ToArray();
            Assert.True(expected.SequenceEqual(seqs), $"client {index} received [{string.Join(',', seqs)}]");
            Assert.Equal(0, client["wrongClient"]!.GetValue<int>());
            Assert.Equal(0, client["wrongText"]!.GetValue<int>());
            Assert.Equal(mode == "polling" ? "polling" : "websocket", client["transport"]!.GetValue<string>());
        }
    }
}
