using System.Text;
using System.Text.Json.Nodes;
using TypedIo.Tests.Infrastructure;
using static TypedIo.Tests.Interop.SocketIoInterop;

namespace TypedIo.Tests.Interop;

/// <summary>
/// The events of the fixture's namespace <c>/</c> (FIXTURE.md, profile default), driven by the real
/// <c>socket.io-client</c> 4.8.1 (tests/js/socketio/client.mjs) against the fixture app running as its own process.
/// Modes: <c>polling</c> (long-polling only), <c>websocket</c> (WebSocket only) and <c>upgrade</c> (polling, then the
/// client's upgrade to WebSocket).
/// </summary>
public class SocketIoClientInteropTests(SharedFixtureProcess shared) : IClassFixture<SharedFixtureProcess>
{
    private readonly FixtureProcess _fixture = shared.Process;

    /// <summary>Argument lists for echo and ack: JSON of every kind, and binary at the top level and nested.</summary>
    private static JsonArray EchoCases() =>
    [
        Arr("hello"),
        Arr(),
        Arr(null, true, false, 0, 42, -1.5, 9007199254740991, ""),
        Arr(new JsonObject
        {
            ["user"] = new JsonObject
            {
                ["name"] = "Zoë ✓ 🚀 日本語",
                ["tags"] = Arr("a", "b"),
                ["deep"] = Arr(Arr(Arr(new JsonObject { ["k"] = Arr(1, new JsonObject { ["z"] = null }) }))),
                ["empty"] = new JsonObject(),
                ["none"] = Arr(),
            },
        }, "second"),
        Arr("line\nbreak \"quoted\" \\ back\u0000slash \u2028", new JsonObject { ["ключ"] = "値", ["with space"] = 1 }),
        // Top-level binary of each JS type.
        Arr(
            Bin("Buffer", 0xDE, 0xAD, 0xBE, 0xEF),
            Bin("Uint8Array", 0, 1, 2, 127, 128, 255),
            Bin("ArrayBuffer", [.. Enumerable.Range(0, 256).Select(i => (byte)i)])),
        // Binary nested in objects and arrays, between other values.
        Arr(
            "before",
            new JsonObject
            {
                ["file"] = Bin("Buffer", Encoding.UTF8.GetBytes("a Node.js Buffer ✓")),
                ["meta"] = new JsonObject
                {
                    ["name"] = "a.bin",
                    ["parts"] = Arr(Bin("Uint8Array", 9, 8, 7), "text", Bin("ArrayBuffer", 0xFF, 0x00)),
                },
            },
            Arr(1, Arr(Bin("Buffer", 0x42)), new JsonObject { ["n"] = null }),
            "after"),
        // The same bytes twice, and an empty binary.
        Arr(Bin("Buffer", 1, 2, 3), Bin("Uint8Array", 1, 2, 3), Bin("Buffer")),
        // Looks like a binary placeholder but is plain JSON in a packet without attachments.
        Arr(new JsonObject { ["_placeholder"] = true, ["num"] = 0 }),
        Arr(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, "twelve"),
    ];

    [Theory]
    [MemberData(nameof(Modes), MemberType = typeof(SocketIoInterop))]
    public async Task Welcome_WithoutAuth_IsExactlyIdAndEmptyAuth(string mode)
    {
        var result = await RunAsync(_fixture, mode, "welcome");

        var id = result["id"]!.GetValue<string>();
        AssertJson(new JsonObject { ["id"] = id, ["auth"] = new JsonObject() }, result["welcome"], "welcome");
        Assert.NotEqual(result["engineId"]!.GetValue<string>(), id); // the socket id is not the Engine.IO sid
        Assert.Equal(mode == "polling" ? "polling" : "websocket", result["transport"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Modes), MemberType = typeof(SocketIoInterop))]
    public async Task Welcome_WithAuth_IsExactlyIdAndTheAuthObject(string mode)
    {
        var auth = new JsonObject
        {
            ["token"] = "abc",
            ["user"] = new JsonObject { ["name"] = "Zoë ✓", ["roles"] = Arr("a", "b") },
            ["n"] = 42,
            ["flag"] = true,
            ["nothing"] = null,
        };

        var result = await RunAsync(_fixture, mode, "welcome", new JsonObject { ["auth"] = auth.DeepClone() });

        var id = result["id"]!.GetValue<string>();
        AssertJson(new JsonObject { ["id"] = id, ["auth"] = auth }, result["welcome"], "welcome");
        Assert.NotEqual(result["engineId"]!.GetValue<string>(), id);
    }

    [Theory]
    [MemberData(nameof(Modes), MemberType = typeof(SocketIoInterop))]
    public async Task Echo_ReturnsTheSameArguments_BinaryWithTheSameBytesAtTheSamePlaces(string mode)
    {
        var cases = EchoCases();

        var result = await RunAsync(_fixture, mode, "echo", new JsonObject { ["cases"] = cases.DeepClone() });

        var rounds = result["rounds"]!.AsArray();
        Assert.Equal(mode == "upgrade" ? 2 : 1, rounds.Count);
        foreach (var round in rounds)
            AssertJson(Received(cases), round!["received"], $"echoes over {round["transport"]}");
        Assert.Equal(mode == "polling" ? "polling" : "websocket", rounds[^1]!["transport"]!.GetValue<string>());
        var binaryTypes = result["binaryTypes"]!.AsArray().Select(t => t!.GetValue<string>()).ToList();
        Assert.Equal(CountBinaries(cases) * rounds.Count, binaryTypes.Count);
        Assert.All(binaryTypes, t => Assert.Equal("Buffer", t)); // binary arrives in Node as a Buffer, whatever was sent
    }

    [Theory]
    [MemberData(nameof(Modes), MemberType = typeof(SocketIoInterop))]
    public async Task Ack_ReturnsTheSameArguments_BinaryIncluded(string mode)
    {
        var cases = EchoCases();

        var result = await RunAsync(_fixture, mode, "ack", new JsonObject { ["cases"] = cases.DeepClone() });

        AssertJson(Received(cases), result["received"], "ack arguments");
        Assert.Equal(CountBinaries(cases), result["binaryTypes"]!.AsArray().Count);
    }

    [Theory]
    [MemberData(nameof(Modes), MemberType = typeof(SocketIoInterop))]
    public async Task JoinAndLeave_AckTheRoomsSortedOrdinally_OwnIdIncluded(string mode)
    {
        (string Action, string Room)[] steps =
        [
            ("join", "room-b"), ("join", "Room-Z"), ("join", "room-a"), ("join", "room-a"), ("join", "_under"),
            ("leave", "room-b"), ("leave", "never-joined"), ("leave", "_under"),
        ];

        var result = await RunAsync(_fixture, mode, "rooms", new JsonObject
        {
            ["steps"] = new JsonArray([.. steps.Select(s => (JsonNode?)Arr(s.Action, s.Room))]),
        });

        var id = result["id"]!.GetValue<string>();
        var rooms = new HashSet<string> { id };
        var expected = new JsonArray();
        foreach (var (action, room) in steps)
        {
            if (action == "join")
                rooms.Add(room);
            else
                rooms.Remove(room);
            // The ack has one argument: the array of rooms.
            expected.Add(Arr(Strings(rooms.Order(StringComparer.Ordinal))));
        }
        AssertJson(expected, result["acks"], "the acks of join and leave");
    }

    [Theory]
    [MemberData(nameof(Modes), MemberType = typeof(SocketIoInterop))]
    public async Task RoomEmit_ReachesMembersOnly_SenderIncludedWhenMember_SocketIdWorksAsRoom(string mode)
    {
        var payload1 = Arr(new JsonObject { ["file"] = Bin("Buffer", 1, 2, 3), ["list"] = Arr(1, Bin("Uint8Array", 4, 5)) }, "second");
        var payload2 = Arr("p2", 2, new JsonObject { ["k"] = "v" });

        var result = await RunAsync(_fixture, mode, "room-emit", new JsonObject
        {
            ["payload1"] = payload1.DeepClone(),
            ["payload2"] = payload2.DeepClone(),
        });

        // (The form of join's ack is checked by JoinAndLeave_AckTheRoomsSortedOrdinally_OwnIdIncluded.)
        var end = Arr("end");
        // a (member, sender of payload1) and b (member) get both; c (not a member, sender of payload2) gets only the
        // markers sent to its id, and "end" (each socket to itself): no room message before or between them.
        AssertJson(Arr(Received(payload1), payload2.DeepClone(), end.DeepClone()), result["received"]!["a"], "room messages of a");
        AssertJson(Arr(Received(payload1), payload2.DeepClone(), end.DeepClone()), result["received"]!["b"], "room messages of b");
        AssertJson(Arr(Arr("marker-1"), Arr("marker-2"), end.DeepClone()), result["received"]!["c"], "room messages of c");
    }

    [Theory]
    [MemberData(nameof(Modes), MemberType = typeof(SocketIoInterop))]
    public async Task Broadcast_ReachesEveryOtherSocket_NotTheSender(string mode)
    {
        var payload = Arr(new JsonObject { ["x"] = Bin("Buffer", 0xCA, 0xFE) }, "b", 3);

        var result = await RunAsync(_fixture, mode, "broadcast", new JsonObject { ["payload"] = payload.DeepClone() });

        AssertJson(Arr(Arr("end")), result["received"]!["a"], "bcast events of the sender a");
        AssertJson(Arr(Received(payload), Arr("end")), result["received"]!["b"], "bcast events of b");
        AssertJson(Arr(Received(payload), Arr("end")), result["received"]!["c"], "bcast events of c");
    }

    [Theory]
    [MemberData(nameof(Modes), MemberType = typeof(SocketIoInterop))]
    public async Task RequestAck_ClientAnswersServerAsk_AckIsOkWithTheReply(string mode)
    {
        var payload = new JsonObject { ["question"] = "ready?", ["n"] = Arr(1, 2, 3), ["ü"] = null, ["blob"] = Bin("Buffer", 7, 0, 7) };

        // The client answers server-ask with {answer: <what it was asked>, by: "client"}, then a second argument.
        var result = await RunAsync(_fixture, mode, "request-ack", new JsonObject { ["payload"] = payload.DeepClone() });

        AssertJson(Arr(Arr(Received(payload))), result["asked"], "server-ask as the client received it");
        AssertJson(
            Arr(new JsonObject { ["ok"] = true, ["reply"] = new JsonObject { ["answer"] = Received(payload), ["by"] = "client" } }),
            result["reply"],
            "the ack of request-ack");
        Assert.Single(result["binaryTypes"]!.AsArray()); // the blob in the reply came back as binary
    }

    [Theory]
    [MemberData(nameof(Modes), MemberType = typeof(SocketIoInterop))]
    public async Task RequestAck_ClientDoesNotAnswer_AckIsTimeoutAfterAboutOneSecond_LateAnswerIgnored(string mode)
    {
        var result = await RunAsync(_fixture, mode, "request-ack-timeout", new JsonObject { ["payload"] = "are you there?" });

        AssertJson(Arr(Arr("are you there?")), result["asked"], "server-ask as the client received it");
        AssertJson(Arr(new JsonObject { ["ok"] = false, ["error"] = "timeout" }), result["reply"], "the ack of request-ack");
        var elapsed = result["elapsedMs"]!.GetValue<double>();
        Assert.InRange(elapsed, 950, 10_000); // the server's 1000 ms timer, measured from the client's emit
        // The client's late answer to server-ask is ignored and the socket keeps working.
        AssertJson(Arr("still connected"), result["after"], "an ack after the late answer");
        Assert.True(result["connected"]!.GetValue<bool>());
    }
}
