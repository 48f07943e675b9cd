using System.Text.Json.Nodes;
using TypedIo.Tests.Infrastructure;
using static TypedIo.Tests.Interop.SocketIoInterop;

namespace TypedIo.Tests.Interop;

/// <summary>
/// Tests that need a fixture process of their own: <c>count</c> (no other test's sockets on <c>/</c>) and stopping the
/// server, with the real <c>socket.io-client</c> 4.8.1.
/// </summary>
public sealed class SocketIoClientInteropLifecycleTests
{
    [Theory]
    [MemberData(nameof(Modes), MemberType = typeof(SocketIoInterop))]
    public async Task Count_IsTheNumberOfSocketsConnectedToRoot(string mode)
    {
        await using var fixture = await FixtureProcess.StartAsync();

        var result = await RunAsync(fixture, mode, "count");

        AssertJson(
            new JsonObject
            {
                ["one"] = 1,
                ["three"] = 3,
                ["threeAskedByC"] = 3,
                ["afterDisconnectMe"] = 2,
                ["afterClientDisconnect"] = 1,
                ["withAdmin"] = 1, // a socket of /admin is not one of /
            },
            result["counts"],
            "count after each step");
        Assert.Equal("io server disconnect", result["cReason"]!.GetValue<string>());
    }

    /// <summary>
    /// Node's socket.io 4.8 on <c>io.close()</c> closes every Engine.IO connection (a close packet over polling, a
    /// WebSocket close): its client reports <c>transport close</c> in every mode. The fixture stops cleanly on SIGTERM.
    /// </summary>
    [Theory]
    [MemberData(nameof(Modes), MemberType = typeof(SocketIoInterop))]
    public async Task ServerStopped_ClientSeesTransportClose_AsWithNode(string mode)
    {
        await using var fixture = await FixtureProcess.StartAsync();
        await using var script = Start(fixture, mode, "server-close");

        var ready = await Wrap(fixture, () => script.WaitForEventAsync("ready", ScenarioTimeout));
        Assert.Equal(mode == "polling" ? "polling" : "websocket", ready.GetProperty("transport").GetString());
        var exitCode = await fixture.StopGracefullyAsync(TimeSpan.FromSeconds(60));
        var result = await ResultAsync(fixture, script);

        Assert.True(exitCode == 0, $"the fixture exited with code {exitCode} on SIGTERM.\n{fixture.Output}");
        var reason = result["reason"]!.GetValue<string>();
        if (mode == "polling")
        {
            // As with Node: a poll that is waiting gets the close packet ("transport close"); a client caught between
            // two polls finds the server gone on its next request ("transport error"). Which one is a matter of timing.
            Assert.Contains(reason, new[] { "transport close", "transport error" });
        }
        else
        {
            Assert.Equal("transport close", reason);
        }
    }
}
