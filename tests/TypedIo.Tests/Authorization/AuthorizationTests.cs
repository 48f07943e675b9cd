using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TypedIo.SocketIo;
using TypedIo.Tests.SocketIo;

namespace TypedIo.Tests.Authorization;

/// <summary>
/// [Authorize]/[AllowAnonymous] on hubs (namespace connection) and hub events, evaluated by ASP.NET Core against the
/// user of a JWT validated by the real JwtBearer handler; the untyped middleware; the auth-payload authenticator.
/// </summary>
public sealed class AuthorizationTests
{
    private static Task<SioClient> ConnectAsync(Infrastructure.TestHost host, string? token = null) =>
        SioClient.ConnectAsync(host, token is null ? null : "access_token=" + Uri.EscapeDataString(token));

    private static async Task<string> ConnectReplyAsync(SioClient client, string nsp, string? auth = null)
    {
        await client.SendAsync("40" + nsp + "," + auth);
        return await client.ReceiveAsync();
    }

    private static string Rejection(string prefix, string packet, out string message)
    {
        Assert.StartsWith(prefix, packet, StringComparison.Ordinal);
        using var ack = JsonDocument.Parse(packet[prefix.Length..]);
        var error = ack.RootElement[0].GetProperty("error");
        message = error.GetProperty("message").GetString()!;
        return error.GetProperty("code").GetString()!;
    }

    [Fact]
    public async Task A_hub_with_authorize_refuses_anonymous_sockets_with_connect_error_and_admits_a_bearer_from_the_query()
    {
        var probe = new AuthProbe();
        await using var host = await TestTokens.StartAsync(probe);

        using (var anonymous = await ConnectAsync(host))
            Assert.Equal("""44/vault,{"message":"unauthorized"}""", await ConnectReplyAsync(anonymous, "/vault"));

        using var client = await ConnectAsync(host, TestTokens.Create("ada"));
        await client.JoinAsync("/vault");
        await client.SendAsync("""42/vault,1["whoami"]""");
        Assert.Equal("""43/vault,1["ada"]""", await client.ReceiveAsync());
    }

    [Fact]
    public async Task A_bearer_in_the_authorization_header_of_the_handshake_authenticates_and_a_forged_one_does_not()
    {
        var probe = new AuthProbe();
        await using var host = await TestTokens.StartAsync(probe);

        using (var client = await SioClient.ConnectAsync(host, headers: new Dictionary<string, string> { ["Authorization"] = "Bearer " + TestTokens.Create("grace") }))
        {
            await client.JoinAsync("/vault");
            await client.SendAsync("""42/vault,1["whoami"]""");
            Assert.Equal("""43/vault,1["grace"]""", await client.ReceiveAsync());
        }

        using var forged = await SioClient.ConnectAsync(host, headers: new Dictionary<string, string> { ["Authorization"] = "Bearer " + TestTokens.Forged("mallory") });
        Assert.Equal("""44/vault,{"message":"unauthorized"}""", await ConnectReplyAsync(forged, "/vault"));
    }

    [Fact]
    public async Task A_hub_policy_with_a_requirement_handler_from_di_refuses_with_forbidden_and_admits_staff()
    {
        var probe = new AuthProbe();
        await using var host = await TestTokens.StartAsync(probe);

        using (var outsider = await ConnectAsync(host, TestTokens.Create("eve", department: "sales")))
            Assert.Equal("""44/staff,{"message":"forbidden"}""", await ConnectReplyAsync(outsider, "/staff"));
        Assert.IsType<Socket>(await probe.StaffResources.NextAsync());

        using var staff = await ConnectAsync(host, TestTokens.Create("bob", department: "staff"));
        await staff.JoinAsync("/staff");
        await staff.SendAsync("""42/staff,1["hi"]""");
        Assert.Equal("""43/staff,1["hi bob"]""", await staff.ReceiveAsync());
    }

    [Fact]
    public async Task Event_roles_on_the_contract_refuse_with_forbidden_on_the_ack_never_reach_the_handler_and_are_logged()
    {
        var probe = new AuthProbe();
        var sink = new LogSink();
        await using var host = await TestTokens.StartAsync(probe, s => s.AddSingleton<ILoggerProvider>(sink));

        using (var user = await ConnectAsync(host, TestTokens.Create("ada", roles: ["user"])))
        {
            await user.JoinAsync("/vault");
            await user.SendAsync("""42/vault,1["wipe"]""");
            Assert.Equal("forbidden", Rejection("43/vault,1", await user.ReceiveAsync(), out var message));
            Assert.Equal("'wipe' is not allowed for this user.", message);
            var logged = await sink.WaitForAsync(401);
            Assert.Contains("VaultHub.Wipe", logged.Message, StringComparison.Ordinal);

            await user.SendAsync("""42/vault,["shout","hey"]""");
            Assert.Equal(
                """42/vault,["typedio:error",{"event":"shout","error":{"code":"forbidden","message":"'shout' is not allowed for this user."}}]""",
                await user.ReceiveAsync());
        }

        using var admin = await ConnectAsync(host, TestTokens.Create("root", roles: ["user", "admin"]));
        await admin.JoinAsync("/vault");
        await admin.SendAsync("""42/vault,1["wipe"]""");
        Assert.Equal("""43/vault,1["wiped"]""", await admin.ReceiveAsync());
        // The refused wipe never ran: the first one the hub saw is the admin's.
        Assert.Equal("wipe", await probe.Handled.NextAsync());
        Assert.False(probe.Handled.TryNext(out _));
    }

    [Fact]
    public async Task An_event_policy_on_the_hub_method_is_checked_per_event()
    {
        var probe = new AuthProbe();
        await using var host = await TestTokens.StartAsync(probe);

        using var user = await ConnectAsync(host, TestTokens.Create("ada", department: "sales"));
        await user.JoinAsync("/vault");
        await user.SendAsync("""42/vault,1["audit"]""");
        Assert.Equal("forbidden", Rejection("43/vault,1", await user.ReceiveAsync(), out _));

        using var auditor = await ConnectAsync(host, TestTokens.Create("ian", department: "audit"));
        await auditor.JoinAsync("/vault");
        await auditor.SendAsync("""42/vault,1["audit"]""");
        Assert.Equal("""43/vault,1["audited"]""", await auditor.ReceiveAsync());
        Assert.Equal("audit", await probe.Handled.NextAsync());
    }

    [Fact]
    public async Task An_open_hub_admits_anonymous_sockets_and_refuses_protected_events_with_unauthorized_unless_allow_anonymous()
    {
        var probe = new AuthProbe();
        await using var host = await TestTokens.StartAsync(probe);

        using var anonymous = await ConnectAsync(host);
        await anonymous.JoinAsync("/lobby");
        await anonymous.SendAsync("""42/lobby,1["hello"]""");
        Assert.Equal("""43/lobby,1["hello anonymous"]""", await anonymous.ReceiveAsync());

        await anonymous.SendAsync("""42/lobby,2["whoami"]""");
        Assert.Equal("unauthorized", Rejection("43/lobby,2", await anonymous.ReceiveAsync(), out var message));
        Assert.Equal("'whoami' requires an authenticated user.", message);

        // [Authorize] on the contract, [AllowAnonymous] on the hub's method: open.
        await anonymous.SendAsync("""42/lobby,3["ping"]""");
        Assert.Equal("""43/lobby,3["pong"]""", await anonymous.ReceiveAsync());

        await anonymous.SendAsync("""42/lobby,4["deploy"]""");
        Assert.Equal("unauthorized", Rejection("43/lobby,4", await anonymous.ReceiveAsync(), out _));

        using var staff = await ConnectAsync(host, TestTokens.Create("bob", department: "staff"));
        await staff.JoinAsync("/lobby");
        await staff.SendAsync("""42/lobby,1["whoami"]""");
        Assert.Equal("""43/lobby,1["bob"]""", await staff.ReceiveAsync());
        await staff.SendAsync("""42/lobby,2["deploy"]""");
        Assert.Equal("""43/lobby,2["deployed"]""", await staff.ReceiveAsync());
        Assert.IsType<SocketEvent>(await probe.StaffResources.NextAsync());

        Assert.Equal("lobby-whoami", await probe.Handled.NextAsync());
        Assert.Equal("deploy", await probe.Handled.NextAsync());
    }

    [Fact]
    public async Task A_pattern_hub_authorizes_every_child_namespace()
    {
        var probe = new AuthProbe();
        await using var host = await TestTokens.StartAsync(probe);

        using (var user = await ConnectAsync(host, TestTokens.Create("ada")))
            Assert.Equal("""44/team-vault-7,{"message":"forbidden"}""", await ConnectReplyAsync(user, "/team-vault-7"));

        using var admin = await ConnectAsync(host, TestTokens.Create("root", roles: ["admin"]));
        await admin.JoinAsync("/team-vault-7");
        await admin.SendAsync("""42/team-vault-7,1["hi"]""");
        Assert.Equal("""43/team-vault-7,1["hi from /team-vault-7"]""", await admin.ReceiveAsync());
    }

    [Fact]
    public async Task The_authenticator_makes_the_user_of_the_auth_payload_when_the_request_is_not_authenticated()
    {
        var probe = new AuthProbe();
        await using var host = await TestTokens.StartAsync(probe, s => s.AddSocketAuthenticator<TokenAuthenticator>());

        using (var client = await ConnectAsync(host))
        {
            await client.JoinAsync("/vault", $$"""{"token":"{{TestTokens.Create("linus", roles: ["admin"])}}"}""");
            Assert.Equal("/vault", await probe.Authenticated.NextAsync());
            await client.SendAsync("""42/vault,1["wipe"]""");
            Assert.Equal("""43/vault,1["wiped"]""", await client.ReceiveAsync());

            // No token: the authenticator leaves the socket anonymous and authorization refuses it.
            Assert.Equal("""44/staff,{"message":"unauthorized"}""", await ConnectReplyAsync(client, "/staff"));
        }

        using (var forged = await ConnectAsync(host))
        {
            Assert.Equal("""44/vault,{"message":"invalid token"}""", await ConnectReplyAsync(forged, "/vault", $$"""{"token":"{{TestTokens.Forged("mallory")}}"}"""));
        }
    }

    [Fact]
    public async Task An_authenticated_handshake_request_wins_over_the_authenticator()
    {
        var probe = new AuthProbe();
        await using var host = await TestTokens.StartAsync(probe, s => s.AddSocketAuthenticator<TokenAuthenticator>());

        using var client = await ConnectAsync(host, TestTokens.Create("ada"));
        await client.JoinAsync("/vault", $$"""{"token":"{{TestTokens.Create("linus", roles: ["admin"])}}"}""");
        await client.SendAsync("""42/vault,1["whoami"]""");

        Assert.Equal("""43/vault,1["ada"]""", await client.ReceiveAsync());
        Assert.False(probe.Authenticated.TryNext(out _));
    }

    [Fact]
    public async Task The_untyped_api_authorizes_namespaces_and_events_with_middleware()
    {
        var probe = new AuthProbe();
        await using var host = await TestTokens.StartAsync(probe, io: io =>
        {
            io.Of("/admin")
                .Use(SocketAuthorization.Connection(new AuthorizeAttribute { Roles = "admin" }))
                .OnConnection(socket => socket.On("status", e => e.Ack("ok")));
            io.Of("/chat")
                .UseForEvents(SocketAuthorization.Event("ban", new AuthorizeAttribute("auditors")))
                .OnConnection(socket =>
                {
                    socket.On("say", e => e.Ack("said"));
                    socket.On("ban", e =>
                    {
                        probe.Handled.Add("ban");
                        e.Ack("banned");
                    });
                });
        });

        using (var user = await ConnectAsync(host, TestTokens.Create("ada")))
        {
            Assert.Equal("""44/admin,{"message":"forbidden"}""", await ConnectReplyAsync(user, "/admin"));
            await user.JoinAsync("/chat");
            await user.SendAsync("""42/chat,1["say"]""");
            Assert.Equal("""43/chat,1["said"]""", await user.ReceiveAsync());
            await user.SendAsync("""42/chat,2["ban"]""");
            Assert.Equal("forbidden", Rejection("43/chat,2", await user.ReceiveAsync(), out _));
        }

        using var admin = await ConnectAsync(host, TestTokens.Create("root", roles: ["admin"], department: "audit"));
        await admin.JoinAsync("/admin");
        await admin.SendAsync("""42/admin,1["status"]""");
        Assert.Equal("""43/admin,1["ok"]""", await admin.ReceiveAsync());
        await admin.JoinAsync("/chat");
        await admin.SendAsync("""42/chat,2["ban"]""");
        Assert.Equal("""43/chat,2["banned"]""", await admin.ReceiveAsync());
        Assert.Equal("ban", await probe.Handled.NextAsync());
    }
}
