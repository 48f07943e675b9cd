using System.Text.Json.Nodes;
using TypedIo.Tests.Infrastructure;
using static TypedIo.Tests.Interop.SocketIoInterop;

namespace TypedIo.Tests.Interop;

/// <summary>
/// Namespaces of the fixture (FIXTURE.md, profile default) with the real <c>socket.io-client</c> 4.8.1: several
/// namespaces over one connection, <c>disconnect-me</c>, <c>/admin</c>'s auth middleware, dynamic and invalid namespaces.
/// </summary>
public sealed class SocketIoClientInteropNamespaceTests(SharedFixtureProcess shared) : IClassFixture<SharedFixtureProcess>
{
    private readonly FixtureProcess _fixture = shared.Process;

    [Theory]
    [MemberData(nameof(Modes), MemberType = typeof(SocketIoInterop))]
    public async Task OneManager_RootAdminAndDynamicNamespace_ShareOneConnection(string mode)
    {
        var payload = Bin("Uint8Array", 0xAB, 0xCD, 0x00);

        var result = await RunAsync(_fixture, mode, "multiplex", new JsonObject { ["payload"] = payload.DeepClone() });

        var handshake = Assert.Single(result["handshakes"]!.AsArray())!.GetValue<string>(); // one Engine.IO session opened
        var namespaces = result["namespaces"]!.AsObject();
        Assert.Equal(["/", "/admin", "/dyn-abc123"], namespaces.Select(n => n.Key));
        foreach (var (nsp, value) in namespaces)
        {
            Assert.Equal(handshake, value!["engineId"]!.GetValue<string>());
            AssertJson(Arr($"from {nsp}", Received(payload)), value["echo"], $"the echo on {nsp}");
        }
        var rootId = namespaces["/"]!["id"]!.GetValue<string>();
        var adminId = namespaces["/admin"]!["id"]!.GetValue<string>();
        AssertJson(new JsonObject { ["id"] = rootId, ["auth"] = new JsonObject() }, namespaces["/"]!["welcome"], "welcome on /");
        AssertJson(
            new JsonObject { ["id"] = adminId, ["auth"] = new JsonObject { ["token"] = "secret" } },
            namespaces["/admin"]!["welcome"],
            "welcome on /admin");
        AssertJson(new JsonObject { ["nsp"] = "/dyn-abc123" }, namespaces["/dyn-abc123"]!["welcome"], "welcome on /dyn-abc123");
        var ids = namespaces.Select(n => n.Value!["id"]!.GetValue<string>()).Append(handshake).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count()); // one socket id per namespace, none equal to the Engine.IO sid
        Assert.Equal(mode == "polling" ? "polling" : "websocket", result["transport"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Modes), MemberType = typeof(SocketIoInterop))]
    public async Task DisconnectMe_ClientSeesIoServerDisconnect_OtherNamespacesOnTheConnectionStay(string mode)
    {
        var result = await RunAsync(_fixture, mode, "disconnect-me");

        // Node's socket.io: socket.disconnect() on the server → the client's reason "io server disconnect".
        Assert.Equal("io server disconnect", result["reason"]!.GetValue<string>());
        Assert.False(result["mainConnected"]!.GetValue<bool>());
        Assert.True(result["adminConnected"]!.GetValue<bool>());
        Assert.True(result["dynConnected"]!.GetValue<bool>());
        AssertJson(Arr("admin still here"), result["adminAck"], "ack on /admin after / left");
        AssertJson(Arr("dyn still here"), result["dynEcho"], "echo on /dyn-abc123 after / left");
        Assert.Equal(result["engineBefore"]!.GetValue<string>(), result["engineAfter"]!.GetValue<string>());
        Assert.Equal("open", result["engineState"]!.GetValue<string>());
        Assert.Empty(result["otherDisconnects"]!.AsArray());
    }

    [Theory]
    [MemberData(nameof(Modes), MemberType = typeof(SocketIoInterop))]
    public async Task Admin_OnlyTheStringTokenSecret_IsAccepted_OthersGetUnauthorized(string mode)
    {
        JsonNode?[] refused =
        [
            null, // no auth at all
            new JsonObject(),
            new JsonObject { ["token"] = "nope" },
            new JsonObject { ["token"] = 123 },
            new JsonObject { ["token"] = "SECRET" },
            new JsonObject { ["token"] = "secret " },
            new JsonObject { ["token"] = Arr("secret") },
            new JsonObject { ["token"] = null },
            new JsonObject { ["other"] = "secret" },
        ];
        var cases = new JsonArray { new JsonObject { ["auth"] = new JsonObject { ["token"] = "secret" } } };
        foreach (var auth in refused)
            cases.Add(auth is null ? new JsonObject() : new JsonObject { ["auth"] = auth });

        var result = await RunAsync(_fixture, mode, "admin-auth", new JsonObject { ["cases"] = cases });

        var outcomes = result["outcomes"]!.AsArray();
        Assert.Equal(cases.Count, outcomes.Count);
        var accepted = outcomes[0]!;
        Assert.True(accepted["connected"]!.GetValue<bool>(), $"token \"secret\" was refused: {accepted.ToJsonString()}");
        var id = accepted["id"]!.GetValue<string>();
        AssertJson(new JsonObject { ["id"] = id, ["auth"] = new JsonObject { ["token"] = "secret" } }, accepted["welcome"], "welcome on /admin");
        AssertJson(Arr("admin echo", new JsonObject { ["n"] = 0 }), accepted["echo"], "echo on /admin");
        AssertJson(Arr("admin ack", 0), accepted["ack"], "ack on /admin");
        for (var i = 1; i < outcomes.Count; i++)
        {
            AssertJson(
                new JsonObject { ["connected"] = false, ["error"] = new JsonObject { ["message"] = "unauthorized", ["data"] = null } },
                outcomes[i],
                $"connecting to /admin with {cases[i]!.ToJsonString()}");
        }
    }

    [Theory]
    [MemberData(nameof(Modes), MemberType = typeof(SocketIoInterop))]
    public async Task Namespaces_DynamicMatchIsWelcomed_EverythingElseIsInvalid_NamesNotNormalised(string mode)
    {
        string[] invalid = ["/ADMIN", "/admin/x", "/nope", "/dyn-ABC", "/dyn-", "/dyn-abc/x", "/Dyn-abc", "/dyn-abc_1", "/admin2"];
        string[] dynamic = ["/dyn-xyz9", "/dyn-0"];

        var result = await RunAsync(_fixture, mode, "namespaces", new JsonObject { ["namespaces"] = Strings([.. invalid, .. dynamic]) });

        var outcomes = result["outcomes"]!;
        foreach (var nsp in invalid)
        {
            AssertJson(
                new JsonObject { ["connected"] = false, ["error"] = new JsonObject { ["message"] = "Invalid namespace", ["data"] = null } },
                outcomes[nsp],
                $"connecting to {nsp}");
        }
        foreach (var nsp in dynamic)
        {
            AssertJson(
                new JsonObject { ["connected"] = true, ["welcome"] = new JsonObject { ["nsp"] = nsp }, ["echo"] = Arr($"echo on {nsp}") },
                outcomes[nsp],
                $"connecting to {nsp}");
        }
    }
}
