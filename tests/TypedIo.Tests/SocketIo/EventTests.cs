using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TypedIo.SocketIo;

namespace TypedIo.Tests.SocketIo;

public sealed class EventTests
{
    private static async Task<(Infrastructure.TestHost Host, SioClient Client, Socket Socket)> StartAsync(Action<Socket>? setup = null, Action<IServiceCollection>? services = null)
    {
        var sockets = new Recorder<Socket>();
        var host = await SioTest.StartAsync(
            io => io.Of("/").OnConnection(socket =>
            {
                socket.On("marker", e => socket.EmitAsync("marker"));
                setup?.Invoke(socket);
                sockets.Add(socket);
            }),
            services: services);
        var (client, _) = await SioClient.ConnectAndJoinAsync(host);
        return (host, client, await sockets.NextAsync());
    }

    /// <summary>Round trip through the socket: everything the server sent before is received before the marker.</summary>
    private static async Task AssertNextIsMarkerAsync(SioClient client)
    {
        await client.SendAsync("""42["marker"]""");
        Assert.Equal("""42["marker"]""", await client.ReceiveAsync());
    }

    [Fact]
    public async Task A_handler_receives_the_arguments_and_can_emit_them_back()
    {
        var (host, client, _) = await StartAsync(socket => socket.On("echo", e => socket.EmitAsync("echo", e.Args.ToEmitArgs())));
        await using (host)
        using (client)
            await client.AssertEchoAsync("""1,"two",{"three":[3]},null,true""");
    }

    [Fact]
    public async Task A_repeated_event_name_is_one_string_not_one_per_event()
    {
        var seen = new Recorder<SocketEvent>();
        var (host, client, _) = await StartAsync(s =>
        {
            s.On("tick", seen.Add);
            s.On("tock", seen.Add);
        });
        await using (host)
        using (client)
        {
            await client.SendAsync("""42["tick",1]""");
            await client.SendAsync("""42["tick",2]""");
            await client.SendAsync("""42["tock"]""");
            await client.SendAsync("""42["tick"]""");

            var (first, second, other, again) = (await seen.NextAsync(), await seen.NextAsync(), await seen.NextAsync(), await seen.NextAsync());
            Assert.Equal(["tick", "tick", "tock", "tick"], new[] { first.Name, second.Name, other.Name, again.Name });
            Assert.Same(first.Name, second.Name);
        }
    }

    [Fact]
    public async Task A_handler_sees_the_event_name_and_raw_arguments()
    {
        var seen = SioTest.Signal<SocketEvent>();
        var (host, client, socket) = await StartAsync(s => s.On("info", e => seen.SetResult(e)));
        await using (host)
        using (client)
        {
            await client.SendAsync("""42["info",42,"x"]""");

            var e = await seen.Task.Within();
            Assert.Equal("info", e.Name);
            Assert.Same(socket, e.Socket);
            Assert.Equal(2, e.Args.Count);
            Assert.Equal(42, e.Args[0].GetInt32());
            Assert.Equal("x", e.Args[1].GetString());
            Assert.False(e.HasAck);
        }
    }

    [Fact]
    public async Task Several_handlers_of_one_event_all_run_in_order()
    {
        var order = new Recorder<string>();
        var (host, client, _) = await StartAsync(s => s.On("e", e => order.Add("first")).On("e", e => order.Add("second")));
        await using (host)
        using (client)
        {
            await client.SendAsync("""42["e"]""");
            Assert.Equal("first", await order.NextAsync());
            Assert.Equal("second", await order.NextAsync());
        }
    }

    [Fact]
    public async Task Once_handles_only_the_next_event()
    {
        var (host, client, _) = await StartAsync(s => s.Once("x", e => s.EmitAsync("handled", e.Args[0].GetInt32())));
        await using (host)
        using (client)
        {
            await client.SendAsync("""42["x",1]""");
            await client.SendAsync("""42["x",2]""");

            Assert.Equal("""42["handled",1]""", await client.ReceiveAsync());
            await AssertNextIsMarkerAsync(client);
        }
    }

    [Fact]
    public async Task Off_with_a_handler_removes_only_that_handler()
    {
        Func<SocketEvent, ValueTask>? first = null;
        var (host, client, socket) = await StartAsync(s =>
        {
            first = e => s.EmitAsync("first");
            s.On("x", first).On("x", e => s.EmitAsync("second"));
        });
        await using (host)
        using (client)
        {
            socket.Off("x", first);
            await client.SendAsync("""42["x"]""");

            Assert.Equal("""42["second"]""", await client.ReceiveAsync());
            await AssertNextIsMarkerAsync(client);
        }
    }

    [Fact]
    public async Task Off_without_a_handler_removes_every_handler_of_the_event()
    {
        var (host, client, socket) = await StartAsync(s => s.On("x", e => s.EmitAsync("first")).On("x", e => s.EmitAsync("second")));
        await using (host)
        using (client)
        {
            socket.Off("x");
            await client.SendAsync("""42["x"]""");

            await AssertNextIsMarkerAsync(client);
        }
    }

    [Fact]
    public async Task An_event_without_a_handler_is_ignored()
    {
        var (host, client, socket) = await StartAsync();
        await using (host)
        using (client)
        {
            await client.SendAsync("""42["nobody-listens",1]""");
            await AssertNextIsMarkerAsync(client);
            Assert.True(socket.Connected);
        }
    }

    [Fact]
    public async Task OnAny_sees_every_event_before_its_own_handlers_and_PrependAny_comes_first()
    {
        var order = new Recorder<string>();
        var (host, client, _) = await StartAsync(s => s
            .OnAny(e =>
            {
                order.Add("any " + e.Name + " " + e.Args[0].GetInt32());
                return ValueTask.CompletedTask;
            })
            .PrependAny(e =>
            {
                order.Add("prepended " + e.Name);
                return ValueTask.CompletedTask;
            })
            .On("a", e => order.Add("handler a")));
        await using (host)
        using (client)
        {
            await client.SendAsync("""42["a",1]""");
            await client.SendAsync("""42["b",2]""");

            Assert.Equal("prepended a", await order.NextAsync());
            Assert.Equal("any a 1", await order.NextAsync());
            Assert.Equal("handler a", await order.NextAsync());
            Assert.Equal("prepended b", await order.NextAsync());
            Assert.Equal("any b 2", await order.NextAsync());
        }
    }

    [Fact]
    public async Task OffAny_removes_one_catch_all_or_all_of_them()
    {
        var order = new Recorder<string>();
        Func<SocketEvent, ValueTask> first = e =>
        {
            order.Add("first " + e.Name);
            return ValueTask.CompletedTask;
        };
        Func<SocketEvent, ValueTask> second = e =>
        {
            order.Add("second " + e.Name);
            return ValueTask.CompletedTask;
        };
        var (host, client, socket) = await StartAsync(s => s.OnAny(first).OnAny(second).On("probe", e => order.Add("probe")));
        await using (host)
        using (client)
        {
            socket.OffAny(first);
            await client.SendAsync("""42["probe"]""");
            Assert.Equal("second probe", await order.NextAsync());
            Assert.Equal("probe", await order.NextAsync());

            socket.OffAny();
            await client.SendAsync("""42["probe"]""");
            Assert.Equal("probe", await order.NextAsync());
        }
    }

    [Fact]
    public async Task OnAnyOutgoing_observes_every_emit_of_the_socket_until_removed()
    {
        var outgoing = new Recorder<string>();
        Action<string, IReadOnlyList<object?>> listener = (name, args) => outgoing.Add(name + ":" + string.Join(",", args));
        var (host, client, socket) = await StartAsync(s => s.OnAnyOutgoing(listener));
        await using (host)
        using (client)
        {
            await socket.EmitAsync("first", 1, "a");
            await socket.EmitVolatileAsync("second", 2);
            _ = socket.EmitWithAckAsync("third", [3]);

            Assert.Equal("first:1,a", await outgoing.NextAsync());
            Assert.Equal("second:2", await outgoing.NextAsync());
            Assert.Equal("third:3", await outgoing.NextAsync());

            socket.OffAnyOutgoing(listener);
            await socket.EmitAsync("fourth");
            await socket.EmitAsync("fifth");
            Assert.False(outgoing.TryNext(out _));
            Assert.Equal("""42["first",1,"a"]""", await client.ReceiveAsync());
        }
    }

    [Fact]
    public async Task A_handler_exception_is_logged_and_the_socket_keeps_working()
    {
        var sink = new LogSink();
        var (host, client, socket) = await StartAsync(
            s => s.On("fail", new Action<SocketEvent>(_ => throw new InvalidOperationException("handler boom")))
                .On("fail-async", async e =>
                {
                    await Task.Yield();
                    throw new InvalidOperationException("async handler boom");
                })
                .On("echo", e => s.EmitAsync("echo", e.Args.ToEmitArgs())),
            s => s.AddSingleton<ILoggerProvider>(sink));
        await using (host)
        using (client)
        {
            await client.SendAsync("""42["fail"]""");
            var first = await sink.WaitForAsync(207);
            Assert.Equal("handler boom", first.Exception?.Message);
            Assert.Contains("fail", first.Message, StringComparison.Ordinal);
            Assert.Contains(socket.Id, first.Message, StringComparison.Ordinal);

            await client.SendAsync("""42["fail-async"]""");
            Assert.Equal("async handler boom", (await sink.WaitForAsync(207)).Exception?.Message);

            await client.AssertEchoAsync();
            Assert.True(socket.Connected);
        }
    }

    public static TheoryData<string> ReservedNames => ["connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"];

    [Theory]
    [MemberData(nameof(ReservedNames))]
    public async Task Reserved_event_names_cannot_be_emitted(string name)
    {
        var (host, client, socket) = await StartAsync();
        await using (host)
        using (client)
        {
            Assert.Throws<ArgumentException>(() => { _ = socket.EmitAsync(name); });
            Assert.Throws<ArgumentException>(() => { _ = socket.EmitVolatileAsync(name); });
            Assert.Throws<ArgumentException>(() => { _ = socket.EmitWithAckAsync(name, []); });
            Assert.Throws<ArgumentException>(() => { _ = socket.Broadcast.EmitAsync(name); });
            Assert.Throws<ArgumentException>(() => { _ = socket.Namespace.EmitAsync(name); });
            Assert.Throws<ArgumentException>(() => { _ = socket.Namespace.To("room").EmitAsync(name); });
            Assert.True(ReservedEvents.IsReserved(name));

            await AssertNextIsMarkerAsync(client);
        }
    }

    [Fact]
    public async Task Events_of_one_socket_reach_handlers_in_arrival_order()
    {
        var order = new Recorder<int>();
        var (host, client, _) = await StartAsync(s => s.On("n", e => order.Add(e.Args[0].GetInt32())));
        await using (host)
        using (client)
        {
            for (var i = 0; i < 20; i++)
                await client.SendAsync($"""42["n",{i}]""");
            for (var i = 0; i < 20; i++)
                Assert.Equal(i, await order.NextAsync());
        }
    }

    [Fact]
    public async Task A_handler_may_await_an_ack_from_the_same_client()
    {
        var (host, client, _) = await StartAsync(s => s.On("ask", async e =>
        {
            var answer = await s.EmitWithAckAsync("question", []);
            e.Ack(answer[0].GetString());
        }));
        await using (host)
        using (client)
        {
            await client.SendAsync("""425["ask"]""");
            Assert.Equal("""420["question"]""", await client.ReceiveAsync());
            await client.SendAsync("""430["forty-two"]""");
            Assert.Equal("""435["forty-two"]""", await client.ReceiveAsync());
        }
    }
}
