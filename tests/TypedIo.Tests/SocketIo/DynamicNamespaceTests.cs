using System.Text.Json;
using System.Text.RegularExpressions;
using TypedIo.SocketIo;

namespace TypedIo.Tests.SocketIo;

public sealed class DynamicNamespaceTests
{
    [Fact]
    public async Task A_regex_parent_creates_the_child_on_the_first_connect()
    {
        var sockets = new Recorder<Socket>();
        ParentNamespace? parent = null;
        await using var host = await SioTest.StartAsync(io => parent = io.Of(new Regex("^/dyn-[0-9]+$")).OnConnection(sockets.Add));
        var io = host.Services.GetRequiredSocketIo();
        Assert.DoesNotContain(io.Namespaces, n => n.Name == "/dyn-1");
        Assert.Empty(parent!.Children);

        using var client = await SioClient.ConnectAsync(host);
        var sid = await client.JoinAsync("/dyn-1");

        var socket = await sockets.NextAsync();
        Assert.Equal(sid, socket.Id);
        Assert.Equal("/dyn-1", socket.Namespace.Name);
        Assert.Same(parent, socket.Namespace.Parent);
        Assert.Same(socket.Namespace, Assert.Single(parent.Children));
        Assert.Contains(socket.Namespace, io.Namespaces);
    }

    [Fact]
    public async Task A_name_the_regex_does_not_match_is_an_invalid_namespace()
    {
        await using var host = await SioTest.StartAsync(io => io.Of(new Regex("^/dyn-[0-9]+$")));
        using var client = await SioClient.ConnectAsync(host);

        await client.SendAsync("40/dyn-x,");

        Assert.Equal("""44/dyn-x,{"message":"Invalid namespace"}""", await client.ReceiveAsync());
        Assert.DoesNotContain(host.Services.GetRequiredSocketIo().Namespaces, n => n.Name == "/dyn-x");
    }

    [Fact]
    public async Task A_predicate_parent_sees_the_name_and_the_auth_payload()
    {
        var asked = new Recorder<(string Name, string Auth)>();
        await using var host = await SioTest.StartAsync(io => io.Of((name, auth) =>
        {
            asked.Add((name, auth.GetRawText()));
            return ValueTask.FromResult(name.StartsWith("/team-", StringComparison.Ordinal) && auth.TryGetProperty("member", out _));
        }));
        using var client = await SioClient.ConnectAsync(host);

        await client.SendAsync("""40/team-a,{"guest":true}""");
        Assert.Equal("""44/team-a,{"message":"Invalid namespace"}""", await client.ReceiveAsync());
        Assert.Equal(("/team-a", """{"guest":true}"""), await asked.NextAsync());

        await client.JoinAsync("/team-a", """{"member":true}""");
        Assert.Equal(("/team-a", """{"member":true}"""), await asked.NextAsync());
    }

    [Fact]
    public async Task Children_share_the_parent_middleware_event_middleware_and_connection_handlers()
    {
        var order = new Recorder<string>();
        await using var host = await SioTest.StartAsync(io => io.Of(new Regex("^/room-[a-z]+$"))
            .Use(async (socket, next) =>
            {
                order.Add("middleware " + socket.Namespace.Name);
                socket.Data["via"] = "parent";
                await next();
            })
            .UseForEvents(async (e, next) =>
            {
                order.Add("event middleware " + e.Name);
                await next();
            })
            .OnConnection(socket =>
            {
                order.Add("connection " + socket.Namespace.Name + " " + socket.Data["via"]);
                socket.On("hi", e => order.Add("handler " + socket.Namespace.Name));
            }));
        using var client = await SioClient.ConnectAsync(host);

        foreach (var name in new[] { "/room-a", "/room-b" })
        {
            await client.JoinAsync(name);
            Assert.Equal("middleware " + name, await order.NextAsync());
            Assert.Equal("connection " + name + " parent", await order.NextAsync());
            await client.SendAsync($"""42{name},["hi"]""");
            Assert.Equal("event middleware hi", await order.NextAsync());
            Assert.Equal("handler " + name, await order.NextAsync());
        }
    }

    [Fact]
    public async Task Middleware_of_a_child_runs_after_the_parent_middleware()
    {
        var order = new Recorder<string>();
        ParentNamespace? parent = null;
        await using var host = await SioTest.StartAsync(io => parent = io.Of(new Regex("^/c-[0-9]$")).Use(async (_, next) =>
        {
            order.Add("parent");
            await next();
        }));
        using var client = await SioClient.ConnectAsync(host);
        await client.JoinAsync("/c-1");
        Assert.Equal("parent", await order.NextAsync());

        var child = Assert.Single(parent!.Children);
        child.Use(async (_, next) =>
        {
            order.Add("child");
            await next();
        });
        using var second = await SioClient.ConnectAsync(host);
        await second.JoinAsync("/c-1");

        Assert.Equal("parent", await order.NextAsync());
        Assert.Equal("child", await order.NextAsync());
    }

    [Fact]
    public async Task Sockets_of_the_same_name_share_one_child()
    {
        var sockets = new Recorder<Socket>();
        await using var host = await SioTest.StartAsync(io => io.Of(new Regex("^/dyn-[0-9]+$")).OnConnection(sockets.Add));
        var (a, _) = await SioClient.ConnectAndJoinAsync(host, "/dyn-7");
        var (b, _) = await SioClient.ConnectAndJoinAsync(host, "/dyn-7");
        using (a)
        using (b)
        {
            var first = await sockets.NextAsync();
            var second = await sockets.NextAsync();
            Assert.Same(first.Namespace, second.Namespace);
            Assert.Equal(2, first.Namespace.SocketCount);
        }
    }

    [Fact]
    public async Task A_parent_emit_reaches_every_child()
    {
        ParentNamespace? parent = null;
        var sockets = new Recorder<Socket>();
        await using var host = await SioTest.StartAsync(io => parent = io.Of(new Regex("^/p-[0-9]$")).OnConnection(sockets.Add));
        var (a, _) = await SioClient.ConnectAndJoinAsync(host, "/p-1");
        var (b, _) = await SioClient.ConnectAndJoinAsync(host, "/p-2");
        using (a)
        using (b)
        {
            await sockets.NextAsync();
            await sockets.NextAsync();
            await parent!.EmitAsync("news", 1);

            Assert.Equal("""42/p-1,["news",1]""", await a.ReceiveAsync());
            Assert.Equal("""42/p-2,["news",1]""", await b.ReceiveAsync());
        }
    }

    [Fact]
    public async Task With_cleanup_an_empty_child_is_removed_and_a_later_connect_creates_a_new_one()
    {
        var sockets = new Recorder<Socket>();
        ParentNamespace? parent = null;
        await using var host = await SioTest.StartAsync(
            io => parent = io.Of(new Regex("^/tmp-[0-9]$")).OnConnection(sockets.Add),
            o => o.CleanupEmptyChildNamespaces = true);
        var io = host.Services.GetRequiredSocketIo();
        using var client = await SioClient.ConnectAsync(host);
        await client.JoinAsync("/tmp-1");
        var first = await sockets.NextAsync();
        var firstChild = first.Namespace;
        var gone = first.DisconnectedReason();

        await client.SendAsync("41/tmp-1,");
        await gone.Within();

        Assert.Empty(parent!.Children);
        Assert.DoesNotContain(firstChild, io.Namespaces);

        await client.JoinAsync("/tmp-1");
        var second = await sockets.NextAsync();
        Assert.NotSame(firstChild, second.Namespace);
        Assert.Same(second.Namespace, Assert.Single(parent.Children));
    }

    [Fact]
    public async Task With_cleanup_a_child_is_kept_while_it_has_sockets()
    {
        var sockets = new Recorder<Socket>();
        ParentNamespace? parent = null;
        await using var host = await SioTest.StartAsync(
            io => parent = io.Of(new Regex("^/tmp-[0-9]$")).OnConnection(sockets.Add),
            o => o.CleanupEmptyChildNamespaces = true);
        var (a, _) = await SioClient.ConnectAndJoinAsync(host, "/tmp-1");
        var (b, _) = await SioClient.ConnectAndJoinAsync(host, "/tmp-1");
        using (a)
        using (b)
        {
            var first = await sockets.NextAsync();
            await sockets.NextAsync();
            var gone = first.DisconnectedReason();

            await a.SendAsync("41/tmp-1,");
            await gone.Within();

            Assert.Same(first.Namespace, Assert.Single(parent!.Children));
            Assert.Equal(1, first.Namespace.SocketCount);
        }
    }

    [Fact]
    public async Task Without_cleanup_an_empty_child_stays()
    {
        var sockets = new Recorder<Socket>();
        ParentNamespace? parent = null;
        await using var host = await SioTest.StartAsync(io => parent = io.Of(new Regex("^/tmp-[0-9]$")).OnConnection(sockets.Add));
        var io = host.Services.GetRequiredSocketIo();
        using var client = await SioClient.ConnectAsync(host);
        await client.JoinAsync("/tmp-1");
        var first = await sockets.NextAsync();
        var gone = first.DisconnectedReason();

        await client.SendAsync("41/tmp-1,");
        await gone.Within();

        Assert.Same(first.Namespace, Assert.Single(parent!.Children));
        Assert.Contains(first.Namespace, io.Namespaces);
        await client.JoinAsync("/tmp-1");
        Assert.Same(first.Namespace, (await sockets.NextAsync()).Namespace);
    }

    [Fact]
    public async Task A_static_namespace_is_not_removed_by_cleanup()
    {
        var sockets = new Recorder<Socket>();
        await using var host = await SioTest.StartAsync(io => io.Of("/static").OnConnection(sockets.Add), o => o.CleanupEmptyChildNamespaces = true);
        var io = host.Services.GetRequiredSocketIo();
        using var client = await SioClient.ConnectAsync(host);
        await client.JoinAsync("/static");
        var socket = await sockets.NextAsync();
        var gone = socket.DisconnectedReason();

        await client.SendAsync("41/static,");
        await gone.Within();

        Assert.Contains(socket.Namespace, io.Namespaces);
        Assert.Same(socket.Namespace, io.Of("/static"));
    }

    [Fact]
    public async Task The_predicate_is_asked_once_per_new_child_only()
    {
        var asked = 0;
        var sockets = new Recorder<Socket>();
        await using var host = await SioTest.StartAsync(io => io.Of((name, _) =>
        {
            Interlocked.Increment(ref asked);
            return ValueTask.FromResult(name == "/only");
        }).OnConnection(sockets.Add));

        var (a, _) = await SioClient.ConnectAndJoinAsync(host, "/only");
        var (b, _) = await SioClient.ConnectAndJoinAsync(host, "/only");
        using (a)
        using (b)
        {
            await sockets.NextAsync();
            await sockets.NextAsync();
            Assert.Equal(1, Volatile.Read(ref asked));
        }
    }

    [Fact]
    public async Task The_auth_given_to_the_predicate_is_an_empty_object_when_none()
    {
        var auth = SioTest.Signal<JsonElement>();
        await using var host = await SioTest.StartAsync(io => io.Of((_, a) =>
        {
            auth.TrySetResult(a);
            return ValueTask.FromResult(true);
        }));
        using var client = await SioClient.ConnectAsync(host);
        await client.JoinAsync("/anything");

        var seen = await auth.Task.Within();
        Assert.Equal(JsonValueKind.Object, seen.ValueKind);
        Assert.Empty(seen.EnumerateObject());
    }

    [Fact]
    public async Task With_cleanup_a_child_created_for_a_refused_connect_is_removed()
    {
        ParentNamespace? parent = null;
        await using var host = await SioTest.StartAsync(
            io => parent = io.Of(new Regex("^/dyn-[0-9]+$")).Use((_, _) => throw new SocketConnectException("You shall not pass")),
            o => o.CleanupEmptyChildNamespaces = true);
        var io = host.Services.GetRequiredSocketIo();
        using var client = await SioClient.ConnectAsync(host);

        for (var i = 0; i < 3; i++)
        {
            await client.SendAsync($"40/dyn-{i},");
            Assert.Equal($$"""44/dyn-{{i}},{"message":"You shall not pass"}""", await client.ReceiveAsync());
        }

        Assert.Empty(parent!.Children);
        Assert.DoesNotContain(io.Namespaces, n => n.Name.StartsWith("/dyn-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_cleanup_a_child_created_for_a_refused_connect_stays()
    {
        ParentNamespace? parent = null;
        await using var host = await SioTest.StartAsync(io => parent = io.Of(new Regex("^/dyn-[0-9]+$")).Use((_, _) => throw new SocketConnectException("no")));
        using var client = await SioClient.ConnectAsync(host);

        await client.SendAsync("40/dyn-1,");
        Assert.Equal("""44/dyn-1,{"message":"no"}""", await client.ReceiveAsync());

        var child = Assert.Single(parent!.Children);
        Assert.Equal(0, child.SocketCount);
    }

    [Fact]
    public async Task With_cleanup_a_refused_connect_does_not_remove_a_child_that_has_sockets()
    {
        ParentNamespace? parent = null;
        var sockets = new Recorder<Socket>();
        await using var host = await SioTest.StartAsync(
            io => parent = io.Of(new Regex("^/dyn-[0-9]+$"))
                .Use((socket, next) => socket.Handshake.Auth.TryGetProperty("reject", out _) ? throw new SocketConnectException("no") : next())
                .OnConnection(sockets.Add),
            o => o.CleanupEmptyChildNamespaces = true);
        var (member, _) = await SioClient.ConnectAndJoinAsync(host, "/dyn-1");
        using (member)
        {
            var socket = await sockets.NextAsync();
            using var rejected = await SioClient.ConnectAsync(host);
            await rejected.SendAsync("""40/dyn-1,{"reject":true}""");
            Assert.Equal("""44/dyn-1,{"message":"no"}""", await rejected.ReceiveAsync());

            Assert.Same(socket.Namespace, Assert.Single(parent!.Children));
            Assert.Same(socket.Namespace, host.Services.GetRequiredSocketIo().Namespaces.Single(n => n.Name == "/dyn-1"));
        }
    }
}
