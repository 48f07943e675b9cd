using Microsoft.Extensions.DependencyInjection;
using TypedIo.SocketIo;

namespace TypedIo.Tests.SocketIo;

public sealed class AckTests
{
    private static async Task<(Infrastructure.TestHost Host, SioClient Client, Socket Socket)> StartAsync(Action<Socket>? setup = null, string nsp = "/")
    {
        var sockets = new Recorder<Socket>();
        var host = await SioTest.StartAsync(io => io.Of(nsp).OnConnection(socket =>
        {
            socket.On("marker", e => socket.EmitAsync("marker"));
            setup?.Invoke(socket);
            sockets.Add(socket);
        }));
        var (client, _) = await SioClient.ConnectAndJoinAsync(host, nsp);
        return (host, client, await sockets.NextAsync());
    }

    [Fact]
    public async Task An_event_with_an_ack_id_gets_the_ack_with_that_id()
    {
        var (host, client, _) = await StartAsync(s => s.On("sum", e =>
        {
            Assert.True(e.HasAck);
            e.Ack(e.Args[0].GetInt32() + e.Args[1].GetInt32());
        }));
        await using (host)
        using (client)
        {
            await client.SendAsync("""4217["sum",1,2]""");
            Assert.Equal("4317[3]", await client.ReceiveAsync());
        }
    }

    [Fact]
    public async Task The_largest_javascript_safe_ack_id_round_trips()
    {
        var (host, client, _) = await StartAsync(s => s.On("x", e => e.Ack()));
        await using (host)
        using (client)
        {
            await client.SendAsync("""429007199254740991["x"]""");
            Assert.Equal("439007199254740991[]", await client.ReceiveAsync());
        }
    }

    [Fact]
    public async Task The_table_of_pending_acks_is_created_by_the_first_emit_with_ack()
    {
        var (host, client, socket) = await StartAsync();
        await using (host)
        using (client)
        {
            Assert.False(socket.HasAckTable);

            var pending = socket.EmitWithAckAsync("q", []);
            Assert.True(socket.HasAckTable);
            Assert.Equal("""420["q"]""", await client.ReceiveAsync());
            await client.SendAsync("""430["a"]""");
            Assert.Equal("a", (await pending.Within())[0].GetString());
        }
    }

    [Fact]
    public async Task An_ack_in_a_namespace_names_the_namespace()
    {
        var (host, client, _) = await StartAsync(s => s.On("x", e => e.Ack("done")), "/chat");
        await using (host)
        using (client)
        {
            await client.SendAsync("""42/chat,3["x"]""");
            Assert.Equal("""43/chat,3["done"]""", await client.ReceiveAsync());
        }
    }

    // The event keeps its ack id and whether it was answered in one field (the id's complement once answered): the
    // smallest and the largest ids a client can send take the same path as any other.
    [Theory]
    [InlineData("1")]
    [InlineData("0")]
    [InlineData("9007199254740991")]
    public async Task The_handler_acks_once_and_a_second_ack_returns_false_and_sends_nothing(string ackId)
    {
        var results = SioTest.Signal<(bool, bool, bool, bool, bool)>();
        var (host, client, _) = await StartAsync(s => s.On("x", e =>
        {
            var before = e.IsAcknowledged;
            var first = e.Ack("first");
            var second = e.Ack("second");
            results.SetResult((before, first, second, e.IsAcknowledged, e.HasAck));
        }));
        await using (host)
        using (client)
        {
            await client.SendAsync($$"""42{{ackId}}["x"]""");

            Assert.Equal($$"""43{{ackId}}["first"]""", await client.ReceiveAsync());
            Assert.Equal((false, true, false, true, true), await results.Task.Within());
            await client.SendAsync("""42["marker"]""");
            Assert.Equal("""42["marker"]""", await client.ReceiveAsync());
        }
    }

    [Fact]
    public async Task Ack_of_an_event_without_ack_id_returns_false_and_sends_nothing()
    {
        var result = SioTest.Signal<(bool HasAck, bool Acked)>();
        var (host, client, _) = await StartAsync(s => s.On("x", e => result.SetResult((e.HasAck, e.Ack("unwanted")))));
        await using (host)
        using (client)
        {
            await client.SendAsync("""42["x"]""");

            Assert.Equal((false, false), await result.Task.Within());
            await client.SendAsync("""42["marker"]""");
            Assert.Equal("""42["marker"]""", await client.ReceiveAsync());
        }
    }

    [Fact]
    public async Task An_async_handler_can_ack_later()
    {
        var release = SioTest.Signal<bool>();
        var (host, client, _) = await StartAsync(s => s.On("slow", async e =>
        {
            await release.Task;
            e.Ack("late");
        }));
        await using (host)
        using (client)
        {
            await client.SendAsync("""428["slow"]""");
            await client.SendAsync("""42["marker"]""");
            Assert.Equal("""42["marker"]""", await client.ReceiveAsync());

            release.SetResult(true);
            Assert.Equal("""438["late"]""", await client.ReceiveAsync());
        }
    }

    [Fact]
    public async Task EmitWithAck_resolves_with_the_arguments_of_the_client_ack()
    {
        var (host, client, socket) = await StartAsync();
        await using (host)
        using (client)
        {
            var pending = socket.EmitWithAckAsync("question", [1, "two"]);

            Assert.Equal("""420["question",1,"two"]""", await client.ReceiveAsync());
            await client.SendAsync("""430["answer",42,{"ok":true}]""");

            var args = await pending.Within();
            Assert.Equal(3, args.Count);
            Assert.Equal("answer", args[0].GetString());
            Assert.Equal(42, args[1].GetInt32());
            Assert.True(args[2].GetProperty("ok").GetBoolean());
        }
    }

    [Fact]
    public async Task Each_pending_ack_has_its_own_id_and_answers_may_come_out_of_order()
    {
        var (host, client, socket) = await StartAsync();
        await using (host)
        using (client)
        {
            var first = socket.EmitWithAckAsync("q", ["a"]);
            var second = socket.EmitWithAckAsync("q", ["b"]);
            Assert.Equal("""420["q","a"]""", await client.ReceiveAsync());
            Assert.Equal("""421["q","b"]""", await client.ReceiveAsync());

            await client.SendAsync("""431["for b"]""");
            await client.SendAsync("""430["for a"]""");

            Assert.Equal("for a", (await first.Within())[0].GetString());
            Assert.Equal("for b", (await second.Within())[0].GetString());
        }
    }

    [Fact]
    public async Task EmitWithAck_in_a_namespace_resolves_with_the_namespace_ack()
    {
        var (host, client, socket) = await StartAsync(nsp: "/chat");
        await using (host)
        using (client)
        {
            var pending = socket.EmitWithAckAsync("q", []);
            Assert.Equal("""42/chat,0["q"]""", await client.ReceiveAsync());
            await client.SendAsync("""43/chat,0["yes"]""");

            Assert.Equal("yes", (await pending.Within())[0].GetString());
        }
    }

    [Fact]
    public async Task A_binary_ack_from_the_client_resolves_with_its_attachment()
    {
        var (host, client, socket) = await StartAsync();
        await using (host)
        using (client)
        {
            var pending = socket.EmitWithAckAsync("file?", []);
            Assert.Equal("""420["file?"]""", await client.ReceiveAsync());

            await client.SendAsync("""461-0[{"_placeholder":true,"num":0}]""");
            await client.SendBinaryAsync([1, 2, 3]);

            var args = await pending.Within();
            Assert.Equal(new byte[] { 1, 2, 3 }, args.GetBinary(0));
        }
    }

    [Fact]
    public async Task EmitWithAck_times_out_with_SocketAckTimeoutException_and_a_late_ack_is_ignored()
    {
        var (host, client, socket) = await StartAsync();
        await using (host)
        using (client)
        {
            var pending = socket.EmitWithAckAsync("q", [], TimeSpan.FromMilliseconds(200));
            Assert.Equal("""420["q"]""", await client.ReceiveAsync());

            var error = await Assert.ThrowsAsync<SocketAckTimeoutException>(() => pending.Within());
            Assert.Equal("q", error.EventName);

            await client.SendAsync("""430["late"]""");
            await client.SendAsync("""42["marker"]""");
            Assert.Equal("""42["marker"]""", await client.ReceiveAsync());
            Assert.True(socket.Connected);
        }
    }

    [Fact]
    public async Task An_ack_answered_in_time_does_not_time_out()
    {
        var timers = new ManualTimers();
        var sockets = new Recorder<Socket>();
        await using var host = await SioTest.StartAsync(
            io => io.Of("/").OnConnection(sockets.Add),
            services: s => s.AddSingleton<TimeProvider>(timers));
        var (client, _) = await SioClient.ConnectAndJoinAsync(host);
        using (client)
        {
            var socket = await sockets.NextAsync();
            var timeout = TimeSpan.FromSeconds(3);
            var pending = socket.EmitWithAckAsync("q", [], timeout);
            Assert.Equal("""420["q"]""", await client.ReceiveAsync());
            await client.SendAsync("""430[1]""");
            Assert.Equal(1, (await pending.Within())[0].GetInt32());

            // A timeout firing after the answer changes nothing, and the answer releases its timer.
            timers.Fire(timeout);
            Assert.True(pending.IsCompletedSuccessfully);
            Assert.True(socket.Connected);
            await EngineIo.EioTestUtil.WaitUntilAsync(() => timers.Count(timeout) == 0, "the ack timer to be disposed", SioTest.Timeout);
        }
    }

    [Fact]
    public async Task EmitWithAck_can_be_cancelled()
    {
        var (host, client, socket) = await StartAsync();
        await using (host)
        using (client)
        {
            using var cts = new CancellationTokenSource();
            var pending = socket.EmitWithAckAsync("q", [], cancellationToken: cts.Token);
            Assert.Equal("""420["q"]""", await client.ReceiveAsync());

            await cts.CancelAsync();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.Within());
        }
    }

    [Theory]
    [InlineData("namespace")]
    [InlineData("transport")]
    public async Task Pending_acks_fail_with_SocketDisconnectedException_when_the_socket_disconnects(string how)
    {
        var (host, client, socket) = await StartAsync();
        await using (host)
        using (client)
        {
            var first = socket.EmitWithAckAsync("q", [1]);
            var second = socket.EmitWithAckAsync("q", [2], TimeSpan.FromSeconds(30));
            Assert.Equal("""420["q",1]""", await client.ReceiveAsync());
            Assert.Equal("""421["q",2]""", await client.ReceiveAsync());

            if (how == "namespace")
                await client.SendAsync("41");
            else
                await client.CloseAsync();

            var expected = how == "namespace" ? SocketDisconnectReasons.ClientNamespaceDisconnect : SocketDisconnectReasons.TransportClose;
            Assert.Equal(expected, (await Assert.ThrowsAsync<SocketDisconnectedException>(() => first.Within())).Reason);
            Assert.Equal(expected, (await Assert.ThrowsAsync<SocketDisconnectedException>(() => second.Within())).Reason);
        }
    }

    [Fact]
    public async Task EmitWithAck_on_a_disconnected_socket_fails_at_once()
    {
        var (host, client, socket) = await StartAsync();
        await using (host)
        using (client)
        {
            var gone = socket.DisconnectedReason();
            await client.SendAsync("41");
            await gone.Within();

            await Assert.ThrowsAsync<SocketDisconnectedException>(() => socket.EmitWithAckAsync("q", []));
        }
    }

    [Fact]
    public async Task An_ack_with_an_unknown_id_is_ignored()
    {
        var (host, client, socket) = await StartAsync();
        await using (host)
        using (client)
        {
            await client.SendAsync("""4399["nobody asked"]""");
            await client.SendAsync("""42["marker"]""");
            Assert.Equal("""42["marker"]""", await client.ReceiveAsync());
            Assert.True(socket.Connected);
        }
    }

    [Fact]
    public async Task An_ack_answered_by_a_disconnected_socket_is_not_sent()
    {
        var release = SioTest.Signal<bool>();
        var acked = SioTest.Signal<bool>();
        var sockets = new Recorder<Socket>();
        await using var host = await SioTest.StartAsync(io =>
        {
            io.Of("/").OnConnection(socket => socket.On("marker", e => socket.EmitAsync("marker")));
            io.Of("/chat").OnConnection(socket =>
            {
                socket.On("slow", async e =>
                {
                    await release.Task;
                    acked.SetResult(e.Ack("late"));
                });
                sockets.Add(socket);
            });
        });
        using var client = await SioClient.ConnectAsync(host);
        await client.JoinAsync("/");
        await client.JoinAsync("/chat");
        var chat = await sockets.NextAsync();
        var gone = chat.DisconnectedReason();

        await client.SendAsync("""42/chat,1["slow"]""");
        await client.SendAsync("41/chat,");
        await gone.Within();
        release.SetResult(true);
        await acked.Task.Within();

        await client.SendAsync("""42["marker"]""");
        Assert.Equal("""42["marker"]""", await client.ReceiveAsync());
    }
}
