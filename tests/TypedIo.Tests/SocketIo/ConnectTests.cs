using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TypedIo.SocketIo;

namespace TypedIo.Tests.SocketIo;

public sealed partial class ConnectTests
{
    [GeneratedRegex("""^40\{"sid":"([^"]+)"\}$""")]
    private static partial Regex MainConnectReply();

    [GeneratedRegex("""^40/admin,\{"sid":"([^"]+)"\}$""")]
    private static partial Regex AdminConnectReply();

    [Fact]
    public async Task Connect_reply_is_exactly_40_with_the_socket_id_which_is_not_the_engine_sid()
    {
        var sockets = new Recorder<Socket>();
        await using var host = await SioTest.StartEchoAsync(sockets);
        using var client = await SioClient.ConnectAsync(host);

        await client.SendAsync("40");
        var match = MainConnectReply().Match(await client.ReceiveAsync());

        Assert.True(match.Success);
        var sid = match.Groups[1].Value;
        Assert.NotEqual(client.EngineSid, sid);
        var socket = await sockets.NextAsync();
        Assert.Equal(sid, socket.Id);
        Assert.Equal(client.EngineSid, socket.Connection.Id);
        Assert.True(socket.Connected);
        Assert.True(socket.Namespace.TryGetSocket(sid, out var found));
        Assert.Same(socket, found);
    }

    [Fact]
    public async Task Connect_reply_to_a_namespace_is_exactly_40_ns_comma_sid()
    {
        var connected = SioTest.Signal<Socket>();
        await using var host = await SioTest.StartAsync(io => io.Of("/admin").OnConnection(connected.SetResult));
        using var client = await SioClient.ConnectAsync(host);

        await client.SendAsync("40/admin,");
        var match = AdminConnectReply().Match(await client.ReceiveAsync());

        Assert.True(match.Success);
        var socket = await connected.Task.Within();
        Assert.Equal(match.Groups[1].Value, socket.Id);
        Assert.Equal("/admin", socket.Namespace.Name);
        Assert.NotEqual(client.EngineSid, socket.Id);
    }

    [Fact]
    public async Task Two_sockets_get_distinct_ids()
    {
        await using var host = await SioTest.StartEchoAsync(new Recorder<Socket>());
        var (a, sidA) = await SioClient.ConnectAndJoinAsync(host);
        var (b, sidB) = await SioClient.ConnectAndJoinAsync(host);
        using (a)
        using (b)
            Assert.NotEqual(sidA, sidB);
    }

    [Fact]
    public async Task Auth_payload_reaches_the_handshake()
    {
        var sockets = new Recorder<Socket>();
        await using var host = await SioTest.StartAsync(io =>
        {
            io.Of("/").OnConnection(sockets.Add);
            io.Of("/ns").OnConnection(sockets.Add);
        });
        using var client = await SioClient.ConnectAsync(host);

        await client.JoinAsync("/", """{"token":"abc","n":1}""");
        var main = await sockets.NextAsync();
        await client.JoinAsync("/ns", """{"token":"def"}""");
        var ns = await sockets.NextAsync();

        Assert.Equal("abc", main.Handshake.Auth.GetProperty("token").GetString());
        Assert.Equal(1, main.Handshake.Auth.GetProperty("n").GetInt32());
        Assert.Equal("def", ns.Handshake.Auth.GetProperty("token").GetString());
    }

    [Fact]
    public async Task Auth_is_an_empty_object_when_the_connect_has_none()
    {
        var sockets = new Recorder<Socket>();
        await using var host = await SioTest.StartAsync(io =>
        {
            io.Of("/").OnConnection(sockets.Add);
            io.Of("/ns").OnConnection(sockets.Add);
        });
        using var client = await SioClient.ConnectAsync(host);

        await client.JoinAsync("/");
        await client.JoinAsync("/ns");

        for (var i = 0; i < 2; i++)
        {
            var auth = (await sockets.NextAsync()).Handshake.Auth;
            Assert.Equal(JsonValueKind.Object, auth.ValueKind);
            Assert.Empty(auth.EnumerateObject());
        }
    }

    [Fact]
    public async Task Handshake_has_the_headers_query_url_address_origin_and_time_of_the_opening_request()
    {
        var connected = SioTest.Signal<Socket>();
        await using var host = await SioTest.StartAsync(io => io.Of("/").OnConnection(connected.SetResult));
        var before = DateTimeOffset.UtcNow;
        using var client = await SioClient.ConnectAsync(host, query: "room=blue&n=7", origin: host.BaseAddress.GetLeftPart(UriPartial.Authority));
        await client.JoinAsync();
        var after = DateTimeOffset.UtcNow;

        var handshake = (await connected.Task.Within()).Handshake;
        Assert.Equal(host.BaseAddress.GetLeftPart(UriPartial.Authority), handshake.Headers.Origin.ToString());
        Assert.Equal(host.BaseAddress.Authority, handshake.Headers.Host.ToString());
        Assert.Equal("blue", handshake.Query["room"].ToString());
        Assert.Equal("7", handshake.Query["n"].ToString());
        Assert.Equal("4", handshake.Query["EIO"].ToString());
        Assert.Equal("/socket.io/?EIO=4&transport=websocket&room=blue&n=7", handshake.Url);
        Assert.NotNull(handshake.Address);
        Assert.True(IPAddress.IsLoopback(handshake.Address));
        Assert.True(handshake.IsCrossDomain);
        Assert.False(handshake.IsSecure);
        Assert.InRange(handshake.Issued, before.AddSeconds(-1), after.AddSeconds(1));
        Assert.False(string.IsNullOrEmpty(handshake.Time));
    }

    [Fact]
    public async Task The_anonymous_user_of_an_unauthenticated_handshake_is_made_when_first_read()
    {
        var connected = SioTest.Signal<Socket>();
        await using var host = await SioTest.StartAsync(io => io.Of("/").OnConnection(connected.SetResult));
        using var client = await SioClient.ConnectAsync(host);
        await client.JoinAsync();
        var socket = await connected.Task.Within();
        Assert.False(socket.Connection.Handshake.HasUser);

        var user = socket.User;
        Assert.True(socket.Connection.Handshake.HasUser);
        Assert.False(user.Identity?.IsAuthenticated);
        Assert.Same(user, socket.Handshake.User);
        Assert.Same(user, socket.User);
    }

    [Fact]
    public async Task Handshake_is_not_cross_domain_without_an_origin()
    {
        var connected = SioTest.Signal<Socket>();
        await using var host = await SioTest.StartAsync(io => io.Of("/").OnConnection(connected.SetResult));
        using var client = await SioClient.ConnectAsync(host);
        await client.JoinAsync();

        Assert.False((await connected.Task.Within()).Handshake.IsCrossDomain);
    }

    [Fact]
    public async Task Unknown_namespace_gets_invalid_namespace_and_the_connection_stays_usable()
    {
        var sockets = new Recorder<Socket>();
        await using var host = await SioTest.StartEchoAsync(sockets, io => io.Of("/known"));
        using var client = await SioClient.ConnectAsync(host);

        await client.SendAsync("40/x,");
        Assert.Equal("""44/x,{"message":"Invalid namespace"}""", await client.ReceiveAsync());

        await client.JoinAsync("/known");
        await client.JoinAsync("/");
        await client.AssertEchoAsync();
        Assert.DoesNotContain(host.Services.GetRequiredSocketIo().Namespaces, n => n.Name == "/x");
    }

    [Fact]
    public async Task Invalid_namespace_can_be_asked_again_and_is_refused_again()
    {
        await using var host = await SioTest.StartEchoAsync(new Recorder<Socket>());
        using var client = await SioClient.ConnectAsync(host);

        for (var i = 0; i < 2; i++)
        {
            await client.SendAsync("40/x,");
            Assert.Equal("""44/x,{"message":"Invalid namespace"}""", await client.ReceiveAsync());
        }
        await client.JoinAsync("/");
    }

    [Fact]
    public async Task Namespace_names_are_not_normalised()
    {
        await using var host = await SioTest.StartAsync(io => io.Of("/admin"));
        using var client = await SioClient.ConnectAsync(host);

        await client.SendAsync("40/ADMIN,");
        Assert.Equal("""44/ADMIN,{"message":"Invalid namespace"}""", await client.ReceiveAsync());
        await client.SendAsync("40/admin/,");
        Assert.Equal("""44/admin/,{"message":"Invalid namespace"}""", await client.ReceiveAsync());

        await client.JoinAsync("/admin");
    }

    [Fact]
    public async Task Of_adds_a_missing_leading_slash_and_returns_the_same_namespace()
    {
        await using var host = await SioTest.StartAsync(io => io.Of("chat"));
        var io = host.Services.GetRequiredSocketIo();

        Assert.Same(io.Of("/chat"), io.Of("chat"));
        Assert.Same(io.Sockets, io.Of("/"));
        using var client = await SioClient.ConnectAsync(host);
        await client.JoinAsync("/chat");
    }

    [Fact]
    public async Task A_connection_handler_that_throws_is_logged_and_the_socket_stays_connected()
    {
        var sink = new LogSink();
        var sockets = new Recorder<Socket>();
        await using var host = await SioTest.StartAsync(
            io =>
            {
                io.Of("/").OnConnection(new Action<Socket>(_ => throw new InvalidOperationException("boom in connection")));
                io.Of("/").OnConnection(socket =>
                {
                    socket.On("echo", e => socket.EmitAsync("echo", e.Args.ToEmitArgs()));
                    sockets.Add(socket);
                });
            },
            services: s => s.AddSingleton<ILoggerProvider>(sink));
        var (client, _) = await SioClient.ConnectAndJoinAsync(host);
        using (client)
        {
            var entry = await sink.WaitForAsync(207);
            Assert.Equal("boom in connection", entry.Exception?.Message);
            Assert.True((await sockets.NextAsync()).Connected);
            await client.AssertEchoAsync();
        }
    }

    [Fact]
    public async Task A_connection_that_joins_no_namespace_is_closed_after_the_connect_timeout()
    {
        await using var host = await SioTest.StartAsync(io => io.Of("/"), o => o.ConnectTimeout = TimeSpan.FromMilliseconds(300));
        using var client = await SioClient.ConnectAsync(host);

        Assert.Empty(await client.ReceiveUntilCloseAsync());
        Assert.False(host.Services.GetRequiredSocketIo().Engine.TryGetSession(client.EngineSid, out _));
    }

    [Fact]
    public async Task The_connect_timeout_closes_only_connections_that_never_joined()
    {
        var timers = new ManualTimers();
        var due = TimeSpan.FromSeconds(7);
        var sockets = new Recorder<Socket>();
        await using var timed = await SioTest.StartAsync(
            io =>
            {
                io.Of("/").OnConnection(socket =>
                {
                    socket.On("echo", e => socket.EmitAsync("echo", e.Args.ToEmitArgs()));
                    sockets.Add(socket);
                });
                io.Of("/refusing").Use((_, _) => throw new SocketConnectException("no"));
            },
            o => o.ConnectTimeout = due,
            s => s.AddSingleton<TimeProvider>(timers));
        var (joined, _) = await SioClient.ConnectAndJoinAsync(timed);
        var (joinedThenLeft, _) = await SioClient.ConnectAndJoinAsync(timed);
        using var idle = await SioClient.ConnectAsync(timed);
        using var refused = await SioClient.ConnectAsync(timed);
        using (joined)
        using (joinedThenLeft)
        {
            await sockets.NextAsync();
            var left = (await sockets.NextAsync()).DisconnectedReason();
            await joinedThenLeft.SendAsync("41");
            await left.Within();
            await refused.SendAsync("40/refusing,");
            Assert.Equal("""44/refusing,{"message":"no"}""", await refused.ReceiveAsync());

            // Joining disposes the connection's timer: only the two that never joined still have one.
            Assert.Equal(2, timers.Count(due));
            Assert.Equal(2, timers.Fire(due));

            Assert.Empty(await idle.ReceiveUntilCloseAsync());
            Assert.Empty(await refused.ReceiveUntilCloseAsync());
            await joined.AssertEchoAsync();
            await joinedThenLeft.JoinAsync();
            await joinedThenLeft.AssertEchoAsync();
        }
    }
}
