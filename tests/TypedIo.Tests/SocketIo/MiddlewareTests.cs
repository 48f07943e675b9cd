using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TypedIo.SocketIo;

namespace TypedIo.Tests.SocketIo;

public sealed class MiddlewareTests
{
    [Fact]
    public async Task Connection_middleware_runs_in_order_of_addition_before_the_connection_handlers()
    {
        var order = new Recorder<string>();
        await using var host = await SioTest.StartAsync(io => io.Of("/")
            .Use(async (socket, next) =>
            {
                order.Add("first " + socket.Connected);
                await next();
                order.Add("first after next");
            })
            .Use(async (_, next) =>
            {
                order.Add("second");
                await next();
            })
            .OnConnection(socket => order.Add("connection " + socket.Connected)));
        using var client = await SioClient.ConnectAsync(host);

        await client.JoinAsync();

        Assert.Equal("first False", await order.NextAsync());
        Assert.Equal("second", await order.NextAsync());
        Assert.Equal("first after next", await order.NextAsync());
        Assert.Equal("connection True", await order.NextAsync());
    }

    [Fact]
    public async Task Middleware_sees_the_handshake_and_can_set_data_for_the_handlers()
    {
        var data = SioTest.Signal<object?>();
        await using var host = await SioTest.StartAsync(io => io.Of("/")
            .Use(async (socket, next) =>
            {
                socket.Data["user"] = socket.Handshake.Auth.GetProperty("user").GetString();
                await next();
            })
            .OnConnection(socket => data.SetResult(socket.Data["user"])));
        using var client = await SioClient.ConnectAsync(host);

        await client.JoinAsync("/", """{"user":"ada"}""");

        Assert.Equal("ada", await data.Task.Within());
    }

    [Fact]
    public async Task A_refusal_sends_connect_error_with_message_and_data_and_the_socket_never_joins()
    {
        var connections = 0;
        await using var host = await SioTest.StartAsync(io => io.Of("/")
            .Use((socket, next) => socket.Handshake.Auth.TryGetProperty("token", out _)
                ? throw new SocketConnectException("not authorized", new { code = 401, retry = false })
                : next())
            .OnConnection(_ => Interlocked.Increment(ref connections)));
        var io = host.Services.GetRequiredSocketIo();
        using var client = await SioClient.ConnectAsync(host);

        await client.SendAsync("""40{"token":"bad"}""");

        Assert.Equal("""44{"message":"not authorized","data":{"code":401,"retry":false}}""", await client.ReceiveAsync());
        Assert.Equal(0, io.Sockets.SocketCount);
        Assert.Equal(0, Volatile.Read(ref connections));
    }

    [Fact]
    public async Task A_refusal_in_a_namespace_names_it_and_leaves_the_connection_usable()
    {
        var sockets = new Recorder<Socket>();
        await using var host = await SioTest.StartEchoAsync(sockets, io => io.Of("/admin").Use((_, _) => throw new SocketConnectException("admins only")));
        using var client = await SioClient.ConnectAsync(host);

        await client.SendAsync("40/admin,");
        Assert.Equal("""44/admin,{"message":"admins only"}""", await client.ReceiveAsync());
        await client.SendAsync("40/admin,");
        Assert.Equal("""44/admin,{"message":"admins only"}""", await client.ReceiveAsync());

        await client.JoinAsync("/");
        await client.AssertEchoAsync();
        Assert.Equal(0, host.Services.GetRequiredSocketIo().Of("/admin").SocketCount);
    }

    [Fact]
    public async Task A_refusal_stops_the_middleware_that_follow()
    {
        var later = 0;
        await using var host = await SioTest.StartAsync(io => io.Of("/")
            .Use((_, _) => throw new SocketConnectException("no"))
            .Use(async (_, next) =>
            {
                Interlocked.Increment(ref later);
                await next();
            }));
        using var client = await SioClient.ConnectAsync(host);

        await client.SendAsync("40");

        Assert.Equal("""44{"message":"no"}""", await client.ReceiveAsync());
        Assert.Equal(0, Volatile.Read(ref later));
    }

    [Fact]
    public async Task An_unexpected_exception_is_a_server_error_that_does_not_leak_its_text()
    {
        var sink = new LogSink();
        await using var host = await SioTest.StartAsync(
            io => io.Of("/").Use((_, _) => throw new InvalidOperationException("secret connection string")),
            services: s => s.AddSingleton<ILoggerProvider>(sink));
        using var client = await SioClient.ConnectAsync(host);

        await client.SendAsync("40");

        Assert.Equal("""44{"message":"Server error"}""", await client.ReceiveAsync());
        var logged = await sink.WaitForAsync(204);
        Assert.Equal(LogLevel.Error, logged.Level);
        Assert.Equal("secret connection string", logged.Exception?.Message);
    }

    [Fact]
    public async Task An_async_middleware_failing_after_an_await_is_also_a_server_error()
    {
        await using var host = await SioTest.StartAsync(io => io.Of("/").Use(async (_, _) =>
        {
            await Task.Yield();
            throw new InvalidOperationException("late failure");
        }));
        using var client = await SioClient.ConnectAsync(host);

        await client.SendAsync("40");

        Assert.Equal("""44{"message":"Server error"}""", await client.ReceiveAsync());
    }

    [Fact]
    public async Task Event_middleware_of_the_namespace_then_of_the_socket_run_before_the_handlers()
    {
        var order = new Recorder<string>();
        await using var host = await SioTest.StartAsync(io => io.Of("/")
            .UseForEvents(async (e, next) =>
            {
                order.Add("namespace " + e.Name);
                await next();
            })
            .OnConnection(socket =>
            {
                socket.Use(async (e, next) =>
                {
                    order.Add("socket " + e.Args[0].GetInt32());
                    await next();
                });
                socket.OnAny(e =>
                {
                    order.Add("any");
                    return ValueTask.CompletedTask;
                });
                socket.On("go", e => order.Add("handler"));
            }));
        using var client = await SioClient.ConnectAsync(host);
        await client.JoinAsync();

        await client.SendAsync("""42["go",5]""");

        Assert.Equal("namespace go", await order.NextAsync());
        Assert.Equal("socket 5", await order.NextAsync());
        Assert.Equal("any", await order.NextAsync());
        Assert.Equal("handler", await order.NextAsync());
    }

    [Fact]
    public async Task Event_middleware_can_stop_an_event_and_answer_its_ack_with_an_error()
    {
        var handled = new Recorder<string>();
        await using var host = await SioTest.StartAsync(io => io.Of("/")
            .UseForEvents((e, next) =>
            {
                if (e.Name != "secret")
                    return next();
                Assert.True(e.Ack(new { error = "forbidden" }));
                return ValueTask.CompletedTask;
            })
            .OnConnection(socket =>
            {
                socket.On("secret", e => handled.Add("secret"));
                socket.On("open", e =>
                {
                    handled.Add("open");
                    e.Ack("ok");
                });
            }));
        using var client = await SioClient.ConnectAsync(host);
        await client.JoinAsync();

        await client.SendAsync("""421["secret",1]""");
        Assert.Equal("""431[{"error":"forbidden"}]""", await client.ReceiveAsync());
        await client.SendAsync("""422["open"]""");
        Assert.Equal("""432["ok"]""", await client.ReceiveAsync());

        Assert.Equal("open", await handled.NextAsync());
    }

    [Fact]
    public async Task Socket_middleware_can_stop_an_event_without_an_ack()
    {
        var handled = new Recorder<string>();
        await using var host = await SioTest.StartAsync(io => io.Of("/").OnConnection(socket =>
        {
            socket.Use((e, next) => e.Name == "blocked" ? ValueTask.CompletedTask : next());
            socket.OnAny(e =>
            {
                handled.Add("any " + e.Name);
                return ValueTask.CompletedTask;
            });
            socket.On("blocked", e => handled.Add("blocked"));
            socket.On("allowed", e => handled.Add("allowed"));
        }));
        using var client = await SioClient.ConnectAsync(host);
        await client.JoinAsync();

        await client.SendAsync("""42["blocked"]""");
        await client.SendAsync("""42["allowed"]""");

        Assert.Equal("any allowed", await handled.NextAsync());
        Assert.Equal("allowed", await handled.NextAsync());
    }

    [Fact]
    public async Task Event_middleware_that_throws_is_logged_and_the_socket_keeps_working()
    {
        var sink = new LogSink();
        await using var host = await SioTest.StartAsync(
            io => io.Of("/")
                .UseForEvents((e, next) => e.Name == "bad" ? throw new InvalidOperationException("middleware boom") : next())
                .OnConnection(socket => socket.On("echo", e => socket.EmitAsync("echo", e.Args.ToEmitArgs()))),
            services: s => s.AddSingleton<ILoggerProvider>(sink));
        using var client = await SioClient.ConnectAsync(host);
        await client.JoinAsync();

        await client.SendAsync("""42["bad"]""");

        Assert.Equal("middleware boom", (await sink.WaitForAsync(207)).Exception?.Message);
        await client.AssertEchoAsync();
    }

    [Fact]
    public async Task Middleware_added_to_one_namespace_does_not_run_for_another()
    {
        var order = new Recorder<string>();
        await using var host = await SioTest.StartAsync(io =>
        {
            io.Of("/guarded").Use((_, _) => throw new SocketConnectException("guarded"));
            io.Of("/open").OnConnection(socket => order.Add("open " + socket.Namespace.Name));
        });
        using var client = await SioClient.ConnectAsync(host);

        await client.JoinAsync("/open");

        Assert.Equal("open /open", await order.NextAsync());
    }

    [Fact]
    public async Task Rooms_joined_in_connection_middleware_are_kept_once_connected()
    {
        var connected = SioTest.Signal<Socket>();
        await using var host = await SioTest.StartAsync(io => io.Of("/")
            .Use(async (socket, next) =>
            {
                socket.Join("user:" + socket.Handshake.Auth.GetProperty("user").GetString());
                await next();
            })
            .OnConnection(connected.SetResult));
        using var client = await SioClient.ConnectAsync(host);
        await client.JoinAsync("/", """{"user":"ada"}""");
        var socket = await connected.Task.Within();

        Assert.Contains("user:ada", socket.Rooms);
        Assert.Contains(socket.Id, socket.Rooms);
        await host.Services.GetRequiredSocketIo().To("user:ada").EmitAsync("for-ada");
        Assert.Equal("""42["for-ada"]""", await client.ReceiveAsync());
    }

    [Fact]
    public async Task Rooms_joined_in_middleware_by_a_refused_socket_are_left()
    {
        var deleted = new Recorder<string>();
        await using var host = await SioTest.StartAsync(io =>
        {
            io.Of("/").Adapter.RoomDeleted += deleted.Add;
            io.Of("/").Use((socket, _) =>
            {
                socket.Join("lobby");
                throw new SocketConnectException("refused after joining");
            });
        });
        var io = host.Services.GetRequiredSocketIo();
        using var client = await SioClient.ConnectAsync(host);

        await client.SendAsync("40");

        Assert.Equal("""44{"message":"refused after joining"}""", await client.ReceiveAsync());
        Assert.Equal("lobby", await deleted.NextAsync());
        Assert.Empty(io.Sockets.To("lobby").SocketIds());
    }

    [Fact]
    public async Task A_socket_whose_connection_closes_during_middleware_never_joins_and_leaves_its_rooms()
    {
        var entered = SioTest.Signal<Socket>();
        var release = SioTest.Signal<bool>();
        var deleted = new Recorder<string>();
        var connections = 0;
        await using var host = await SioTest.StartAsync(io =>
        {
            io.Of("/").Adapter.RoomDeleted += deleted.Add;
            io.Of("/")
                .Use(async (socket, next) =>
                {
                    socket.Join("pending");
                    entered.SetResult(socket);
                    await release.Task;
                    await next();
                })
                .OnConnection(_ => Interlocked.Increment(ref connections));
        });
        using var client = await SioClient.ConnectAsync(host);
        await client.SendAsync("40");
        var socket = await entered.Task.Within();

        socket.Connection.Close();
        release.SetResult(true);

        Assert.Equal("pending", await deleted.NextAsync());
        Assert.False(socket.Connected);
        Assert.Equal(0, socket.Namespace.SocketCount);
        Assert.Equal(0, Volatile.Read(ref connections));
        Assert.Empty(await client.ReceiveUntilCloseAsync());
    }
}
