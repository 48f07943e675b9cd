using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using TypedIo.EngineIo;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Tests.Interop;

/// <summary>
/// Drives the server with the real <c>engine.io-client</c> 6.6.3 from npm, run by Node (tests/js/engineio/client.mjs).
/// Modes: <c>polling</c> (long-polling only, no upgrade), <c>websocket</c> (WebSocket only) and <c>upgrade</c> (polling,
/// then the client's own upgrade to WebSocket).
/// </summary>
public sealed class EngineIoClientInteropTests
{
    private const string Script = "engineio/client.mjs";
    private const string EnginePath = "/engine.io";

    private static readonly InteropPayload[] Greeting =
    [
        InteropPayload.Text("welcome ✓ from TypedIo"),
        InteropPayload.Binary([0xDE, 0xAD, 0xBE, 0xEF, 0x00, 0xFF], "Buffer"),
    ];

    private static readonly InteropPayload[] Payloads =
    [
        InteropPayload.Text("hello, engine.io"),
        InteropPayload.Text("héllo wörld ✓ 🚀 日本語"),
        InteropPayload.Text(""),
        InteropPayload.Text("bGlrZSBiYXNlNjQ="), // starts with b, as a base64 packet does over polling
        InteropPayload.Text("4 starts with a digit, and has \"quotes\", \\ and \n a newline"),
        InteropPayload.Binary([0, 1, 2, 127, 128, 254, 255], "Uint8Array"),
        InteropPayload.Binary([.. Enumerable.Range(0, 256).Select(i => (byte)i)], "ArrayBuffer"),
        InteropPayload.Binary(Encoding.UTF8.GetBytes("a Node.js Buffer ✓"), "Buffer"),
        InteropPayload.Binary([], "Uint8Array"),
    ];

    public static TheoryData<string> Modes => new() { "polling", "websocket", "upgrade" };

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task TextAndBinary_RoundTripWithExactContent(string mode)
    {
        var handler = new InteropHandler(Greeting);
        await using var host = await StartAsync(handler);
        await using var client = StartClient(host, "exchange", mode, new JsonObject
        {
            ["greeting"] = ToJson(Greeting),
            ["payloads"] = ToJson(Payloads),
        });

        var session = await client.WhileRunningAsync(handler.WaitConnectedAsync(), "the session");
        await client.WaitForSuccessAsync();

        // Server side: every payload arrived once, exactly, in order; in mode upgrade once at open and once after the
        // upgrade (over websocket).
        var phases = mode == "upgrade" ? 2 : 1;
        var received = await handler.WaitMessagesAsync(Payloads.Length * phases);
        Assert.Equal(
            Enumerable.Repeat(Payloads, phases).SelectMany(p => p).Select(p => Describe(p.IsBinary, p.Data)),
            received.Select(m => Describe(m.IsBinary, m.Data)));
        Assert.All(received, m => Assert.Equal(session.Id, m.Sid));
        AssertTransports(received, mode, sentAfterUpgrade: mode == "upgrade" ? Payloads.Length : 0);

        // Client side: the greeting, then the echoes, exactly, each binary one as a Buffer.
        var echoes = Enumerable.Repeat(Payloads, phases).SelectMany(p => p);
        Assert.Equal(Greeting.Concat(echoes).Select(p => Describe(p.IsBinary, p.Data)), ClientMessages(client));

        var open = Assert.Single(client.EventsNamed("open"));
        Assert.Equal(session.Id, open.GetProperty("sid").GetString());
        Assert.Equal(mode == "websocket" ? "websocket" : "polling", open.GetProperty("transport").GetString());
        AssertUpgrade(client, session, mode);
        Assert.Equal(EngineIoCloseReasons.TransportClose, await handler.WaitClosedAsync(session.Id));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task NumberedSequences_NothingLostDuplicatedOrReordered(string mode)
    {
        const int count = 200, pushCount = 200;
        var handler = new InteropHandler();
        await using var host = await StartAsync(handler);
        await using var client = StartClient(host, "sequence", mode, new JsonObject { ["count"] = count, ["pushCount"] = pushCount });

        var session = await client.WhileRunningAsync(handler.WaitConnectedAsync(), "the session");
        Push(session, 0, pushCount / 2);
        // Half-way through the client's sequence (in mode upgrade: after the upgrade) the server pushes the rest.
        await client.WhileRunningAsync(handler.WaitMessagesAsync(count / 2), $"{count / 2} client messages");
        Push(session, pushCount / 2, pushCount);
        await client.WaitForSuccessAsync();

        // Server side: c:0..count-1 in order, binary when i % 3 == 0.
        var received = await handler.WaitMessagesAsync(count);
        Assert.Equal(
            Enumerable.Range(0, count).Select(i => $"c:{i}/{(i % 3 == 0 ? "binary" : "text")}"),
            received.Select(m => $"{m.Text}/{(m.IsBinary ? "binary" : "text")}"));
        // In mode upgrade the client sends 35% at open, the rest when the upgrade starts or is done.
        AssertTransports(received, mode, sentAfterUpgrade: mode == "upgrade" ? count - (int)(count * 0.35) : 0);

        // Client side: the echoes and the pushes, each in order and complete (the script also checked on the fly).
        var summary = Assert.Single(client.EventsNamed("sequence"));
        Assert.Equal(
            Enumerable.Range(0, count).Select(i => $"c:{i}/{(i % 3 == 0 ? "binary" : "text")}"),
            summary.GetProperty("echoes").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(
            Enumerable.Range(0, pushCount).Select(i => $"s:{i}/{(i % 4 == 0 ? "binary" : "text")}"),
            summary.GetProperty("pushes").EnumerateArray().Select(e => e.GetString()));
        AssertUpgrade(client, session, mode);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task ServerInitiatedMessages_ReachClientThatSentNothing(string mode)
    {
        var handler = new InteropHandler(Greeting);
        await using var host = await StartAsync(handler);
        await using var client = StartClient(host, "listen", mode, new JsonObject { ["greeting"] = ToJson(Greeting) });

        var session = await client.WhileRunningAsync(handler.WaitConnectedAsync(), "the session");
        await client.WaitForSuccessAsync();

        Assert.Equal(Greeting.Select(p => Describe(p.IsBinary, p.Data)), ClientMessages(client));
        Assert.Single(client.EventsNamed("greeted"));
        Assert.Equal(EngineIoCloseReasons.TransportClose, await handler.WaitClosedAsync(session.Id));
        Assert.Empty(handler.ReceivedSoFar());
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task ServerClose_ClientSeesTransportClose(string mode)
    {
        var handler = new InteropHandler();
        await using var host = await StartAsync(handler);
        await using var client = StartClient(host, "server-close", mode);

        var session = await client.WhileRunningAsync(handler.WaitConnectedAsync(), "the session");
        var ready = await client.WaitForEventAsync("ready");
        var transport = mode == "polling" ? "polling" : "websocket";
        Assert.Equal(transport, ready.GetProperty("transport").GetString());
        Assert.Equal(transport, session.Transport);
        Assert.True(session.IsOpen);

        session.Close();

        await client.WaitForSuccessAsync();
        var close = Assert.Single(client.EventsNamed("close"));
        Assert.Equal("transport close", close.GetProperty("reason").GetString());
        Assert.Equal(EngineIoCloseReasons.ForcedClose, await handler.WaitClosedAsync(session.Id));
        Assert.False(session.IsOpen);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task ClientClose_ServerSeesTransportClose(string mode)
    {
        var handler = new InteropHandler();
        await using var host = await StartAsync(handler);
        await using var client = StartClient(host, "client-close", mode);

        var session = await client.WhileRunningAsync(handler.WaitConnectedAsync(), "the session");
        await client.WaitForSuccessAsync();

        var ready = Assert.Single(client.EventsNamed("ready"));
        Assert.Equal(mode == "polling" ? "polling" : "websocket", ready.GetProperty("transport").GetString());
        var close = Assert.Single(client.EventsNamed("close"));
        Assert.Equal("forced close", close.GetProperty("reason").GetString());
        Assert.Equal(EngineIoCloseReasons.TransportClose, await handler.WaitClosedAsync(session.Id));
        Assert.Equal(EngineIoCloseReasons.TransportClose, session.CloseReason);
        Assert.False(session.IsOpen);
        Assert.Equal("ready?", Assert.Single(handler.ReceivedSoFar()).Text);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Heartbeat_ClientStaysConnectedOverSeveralPingCycles(string mode)
    {
        // A ping every 200 ms. The timeout is generous on purpose: the client gives up after interval + timeout without
        // a ping, and on a small CI machine the test process can stall for most of a second (the test host blocks
        // thread-pool threads at start-up); 500 ms would make this test flaky, and the timeout is not what it tests.
        const int pings = 6;
        var pingInterval = TimeSpan.FromMilliseconds(200);
        var handler = new InteropHandler();
        await using var host = await StartAsync(handler, o =>
        {
            o.PingInterval = pingInterval;
            o.PingTimeout = TimeSpan.FromMilliseconds(2_500);
        });
        await using var client = StartClient(host, "heartbeat", mode, new JsonObject { ["pings"] = pings });

        var session = await client.WhileRunningAsync(handler.WaitConnectedAsync(), "the session");
        var alive = await client.WaitForEventAsync("alive");

        // Several ping cycles later the session is still open on both sides and still carries messages.
        Assert.True(alive.GetProperty("pings").GetInt32() >= pings, client.Output);
        Assert.True(session.IsOpen);
        Assert.Null(session.CloseReason);
        Assert.False(handler.HasClosed());
        Assert.Equal("alive?", Assert.Single(handler.ReceivedSoFar()).Text);
        Assert.Empty(client.EventsNamed("close"));

        // Pings come one interval after the previous pong, never sooner.
        var times = client.EventsNamed("ping").Select(e => e.GetProperty("at").GetInt64()).ToArray();
        Assert.True(times.Length >= pings, client.Output);
        for (var i = 1; i < times.Length; i++)
            Assert.True(times[i] - times[i - 1] >= pingInterval.TotalMilliseconds * 0.75, $"pings {i - 1} and {i} came {times[i] - times[i - 1]} ms apart\n{client.Output}");

        Assert.True(session.Send("bye"));
        await client.WaitForSuccessAsync();
        Assert.Equal(EngineIoCloseReasons.TransportClose, await handler.WaitClosedAsync(session.Id));
    }

    public static TheoryData<string, string> MaxSizeCases => new()
    {
        { "websocket", "text" },
        { "websocket", "binary" },
        { "upgrade", "binary" },
    };

    [Theory]
    [MemberData(nameof(MaxSizeCases))]
    public async Task MaxHttpBufferSize_OversizeWebSocketMessageDisconnects_SmallerOneWorks(string mode, string kind)
    {
        const int limit = 10_000, smallSize = 9_000, bigSize = 20_000;
        var handler = new InteropHandler();
        await using var host = await StartAsync(handler, o => o.MaxHttpBufferSize = limit);
        await using var client = StartClient(host, "max-size", mode, new JsonObject
        {
            ["kind"] = kind,
            ["smallSize"] = smallSize,
            ["bigSize"] = bigSize,
        });

        var session = await client.WhileRunningAsync(handler.WaitConnectedAsync(), "the session");
        await client.WaitForSuccessAsync();

        // The small message went through both ways; the big one closed the connection and was never delivered.
        Assert.Single(client.EventsNamed("small-echoed"));
        var small = Assert.Single(handler.ReceivedSoFar());
        Assert.Equal(kind == "binary", small.IsBinary);
        Assert.Equal(Generated(kind, smallSize), small.Data);
        Assert.Equal("websocket", small.Transport);
        var close = Assert.Single(client.EventsNamed("close"));
        Assert.Equal("transport close", close.GetProperty("reason").GetString());
        Assert.Equal(EngineIoCloseReasons.TransportError, await handler.WaitClosedAsync(session.Id));
        Assert.Single(handler.ReceivedSoFar());
    }

    // ---- helpers ----

    private static Task<TestHost> StartAsync(InteropHandler handler, Action<EngineIoOptions>? configure = null) =>
        TestHost.StartAsync(app => app.MapEngineIo(EnginePath, handler, configure));

    private static NodeScript StartClient(TestHost host, string scenario, string mode, JsonObject? options = null)
    {
        options ??= [];
        options["timeoutMs"] = 20_000;
        options["path"] = EnginePath + "/";
        return NodeScript.Start(Script, host.BaseAddress.ToString(), scenario, mode, options.ToJsonString());
    }

    private static JsonArray ToJson(IEnumerable<InteropPayload> payloads) => [.. payloads.Select(p => (JsonNode)p.ToJson())];

    private static void Push(EngineIoSession session, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            var label = $"s:{i}";
            Assert.True(session.Send(i % 4 == 0 ? EngineFrame.Binary(Encoding.UTF8.GetBytes(label)) : EngineFrame.Message(label)));
        }
    }

    /// <summary>
    /// The messages the client printed, in the form of <see cref="Describe"/>; binary ones must be Buffers. An empty
    /// text message reaches engine.io-client's listeners as undefined (its parser gives a packet "4" no data), the
    /// same from Node's own server.
    /// </summary>
    private static IEnumerable<string> ClientMessages(NodeScript client) => client.EventsNamed("message").Select(e =>
    {
        var kind = e.GetProperty("kind").GetString();
        if (kind == "empty")
            return Describe(false, []); // engine.io-client gives undefined for "4", an empty text message
        if (kind == "text")
            return Describe(false, Encoding.UTF8.GetBytes(e.GetProperty("text").GetString()!));
        Assert.Equal("binary", kind);
        Assert.Equal("Buffer", e.GetProperty("jsType").GetString());
        return Describe(true, Convert.FromBase64String(e.GetProperty("base64").GetString()!));
    });

    private static string Describe(bool isBinary, byte[] data) =>
        isBinary ? $"binary[{Convert.ToHexString(data)}]" : $"text \"{Encoding.UTF8.GetString(data)}\"";

    private static void AssertUpgrade(NodeScript client, EngineIoSession session, string mode)
    {
        if (mode == "upgrade")
        {
            var upgrade = Assert.Single(client.EventsNamed("upgrade"));
            Assert.Equal("websocket", upgrade.GetProperty("transport").GetString());
            Assert.Equal("websocket", session.Transport);
        }
        else
        {
            Assert.Empty(client.EventsNamed("upgrading"));
            Assert.Empty(client.EventsNamed("upgrade"));
            Assert.Equal(mode, session.Transport);
        }
    }

    /// <summary>
    /// Checks the session's transport when each message arrived. Without upgrade: always the mode's. With upgrade:
    /// polling, then websocket, never back. The first message is sent right at open and flushed at once, so it is
    /// over polling (the client finishes that POST before it sends the upgrade packet); the ones sent at open after
    /// it wait in the client's buffer and go over either transport, depending on when the probe succeeds; the last
    /// <paramref name="sentAfterUpgrade"/> were sent once the upgrade had started, so over websocket.
    /// </summary>
    private static void AssertTransports(IReadOnlyList<ReceivedMessage> received, string mode, int sentAfterUpgrade)
    {
        if (mode != "upgrade")
        {
            Assert.All(received, m => Assert.Equal(mode, m.Transport));
            return;
        }
        var transports = received.Select(m => m.Transport).ToArray();
        var switchAt = Array.IndexOf(transports, "websocket");
        Assert.True(switchAt > 0, $"Expected the first message over polling, then websocket; got {string.Join(", ", transports)}.");
        Assert.True(switchAt <= transports.Length - sentAfterUpgrade, $"Messages sent after the upgrade arrived over polling: {string.Join(", ", transports)}.");
        Assert.All(transports[..switchAt], t => Assert.Equal("polling", t));
        Assert.All(transports[switchAt..], t => Assert.Equal("websocket", t));
    }

    /// <summary>The same content the script generates.</summary>
    private static byte[] Generated(string kind, int size)
    {
        var data = new byte[size];
        for (var i = 0; i < size; i++)
            data[i] = kind == "text" ? (byte)('a' + i % 26) : (byte)((i * 7 + 3) % 256);
        return data;
    }
}
