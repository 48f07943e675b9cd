using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TypedIo.EngineIo;
using TypedIo.SocketIo;

namespace TypedIo.Tests.SocketIo;

/// <summary>Why a socket leaves, as the server sees it, and what the client gets.</summary>
public sealed class DisconnectTests
{
    private static Task<Infrastructure.TestHost> StartAsync(Recorder<Socket> sockets, Action<SocketIoOptions>? options = null, Action<IServiceCollection>? services = null) =>
        SioTest.StartAsync(
            io =>
            {
                foreach (var name in new[] { "/", "/chat" })
                {
                    io.Of(name).OnConnection(socket =>
                    {
                        socket.On("marker", e => socket.EmitAsync("marker"));
                        sockets.Add(socket);
                    });
                }
            },
            options,
            services);

    [Fact]
    public async Task Client_namespace_disconnect()
    {
        var sockets = new Recorder<Socket>();
        await using var host = await StartAsync(sockets);
        var (client, _) = await SioClient.ConnectAndJoinAsync(host);
        using (client)
        {
            var socket = await sockets.NextAsync();
            var reason = socket.DisconnectedReason();

            await client.SendAsync("41");

            Assert.Equal("client namespace disconnect", await reason.Within());
            Assert.False(socket.Connected);
            Assert.True(socket.Connection.IsOpen);
            Assert.Equal(0, socket.Namespace.SocketCount);
        }
    }

    [Theory]
    [InlineData("/", "41")]
    [InlineData("/chat", "41/chat,")]
    public async Task Server_namespace_disconnect_sends_41_and_the_connection_stays_usable(string nsp, string expected)
    {
        var sockets = new Recorder<Socket>();
        await using var host = await StartAsync(sockets);
        var (client, _) = await SioClient.ConnectAndJoinAsync(host, nsp);
        using (client)
        {
            var socket = await sockets.NextAsync();
            var reason = socket.DisconnectedReason();

            socket.Disconnect();

            Assert.Equal(expected, await client.ReceiveAsync());
            Assert.Equal("server namespace disconnect", await reason.Within());
            Assert.False(socket.Connected);
            Assert.True(socket.Connection.IsOpen);
            var again = await client.JoinAsync(nsp);
            Assert.NotEqual(socket.Id, again);
        }
    }

    [Theory]
    [InlineData("websocket close")]
    [InlineData("engine.io close packet")]
    public async Task Transport_close(string how)
    {
        var sockets = new Recorder<Socket>();
        await using var host = await StartAsync(sockets);
        var client = await SioClient.ConnectAsync(host);
        using (client)
        {
            var (main, chat, mainReason, chatReason) = await JoinMainAndChatAsync(client, sockets);

            if (how == "websocket close")
                await client.CloseAsync();
            else
                await client.SendAsync("1");

            Assert.Equal("transport close", await mainReason.Within());
            Assert.Equal("transport close", await chatReason.Within());
        }
    }

    [Fact]
    public async Task Ping_timeout()
    {
        var sockets = new Recorder<Socket>();
        await using var host = await StartAsync(sockets, o =>
        {
            o.EngineIo.PingInterval = TimeSpan.FromMilliseconds(200);
            o.EngineIo.PingTimeout = TimeSpan.FromMilliseconds(200);
        });
        var (client, _) = await SioClient.ConnectAndJoinAsync(host);
        using (client)
        {
            var socket = await sockets.NextAsync();
            var reason = socket.DisconnectedReason();

            // The client stops reading, so it never answers a ping.
            Assert.Equal("ping timeout", await reason.Within());
            Assert.False(socket.Connection.IsOpen);
        }
    }

    [Fact]
    public async Task Parse_error()
    {
        var sockets = new Recorder<Socket>();
        await using var host = await StartAsync(sockets);
        var (client, _) = await SioClient.ConnectAndJoinAsync(host);
        using (client)
        {
            var reason = (await sockets.NextAsync()).DisconnectedReason();

            await client.SendAsync("4x");

            Assert.Equal("parse error", await reason.Within());
            Assert.Empty(await client.ReceiveUntilCloseAsync());
        }
    }

    [Fact]
    public async Task Forced_close_when_the_server_closes_the_connection()
    {
        var sockets = new Recorder<Socket>();
        await using var host = await StartAsync(sockets);
        var client = await SioClient.ConnectAsync(host);
        using (client)
        {
            var (main, chat, mainReason, chatReason) = await JoinMainAndChatAsync(client, sockets);

            main.Connection.Close();

            Assert.Equal("forced close", await mainReason.Within());
            Assert.Equal("forced close", await chatReason.Within());
            await client.ReceiveUntilCloseAsync();
        }
    }

    [Fact]
    public async Task Disconnect_with_close_disconnects_every_namespace_of_the_connection_and_closes_it()
    {
        var sockets = new Recorder<Socket>();
        await using var host = await StartAsync(sockets);
        var client = await SioClient.ConnectAsync(host);
        using var other = await SioClient.ConnectAsync(host);
        await other.JoinAsync("/");
        var bystander = await sockets.NextAsync();
        using (client)
        {
            var (main, chat, mainReason, chatReason) = await JoinMainAndChatAsync(client, sockets);

            main.Disconnect(close: true);

            // As Node's client._disconnect(): every socket leaves as if disconnected by the server, then the
            // connection closes.
            Assert.Equal("server namespace disconnect", await mainReason.Within());
            Assert.Equal("server namespace disconnect", await chatReason.Within());
            var seen = await client.ReceiveUntilCloseAsync();
            Assert.Equal(new[] { "41", "41/chat," }, seen.Order(StringComparer.Ordinal));
            Assert.False(main.Connection.IsOpen);
        }

        Assert.True(bystander.Connected);
        await other.SendAsync("""42["marker"]""");
        Assert.Equal("""42["marker"]""", await other.ReceiveAsync());
    }

    [Fact]
    public async Task Namespace_DisconnectSockets_with_close_closes_the_connections()
    {
        var sockets = new Recorder<Socket>();
        await using var host = await StartAsync(sockets);
        var (a, _) = await SioClient.ConnectAndJoinAsync(host, "/chat");
        var (b, _) = await SioClient.ConnectAndJoinAsync(host, "/chat");
        using (a)
        using (b)
        {
            var first = await sockets.NextAsync();
            var second = await sockets.NextAsync();

            first.Namespace.DisconnectSockets(close: true);

            Assert.Equal(new[] { "41/chat," }, await a.ReceiveUntilCloseAsync());
            Assert.Equal(new[] { "41/chat," }, await b.ReceiveUntilCloseAsync());
            Assert.False(first.Connection.IsOpen);
            Assert.False(second.Connection.IsOpen);
        }
    }

    [Fact]
    public async Task Server_shutting_down_when_the_server_closes()
    {
        var sockets = new Recorder<Socket>();
        await using var host = await StartAsync(sockets);
        var client = await SioClient.ConnectAsync(host);
        using (client)
        {
            var (main, chat, mainReason, chatReason) = await JoinMainAndChatAsync(client, sockets);

            host.Services.GetRequiredSocketIo().Close();

            Assert.Equal("server shutting down", await mainReason.Within());
            Assert.Equal("server shutting down", await chatReason.Within());
            await client.ReceiveUntilCloseAsync();
            Assert.Equal(0, main.Namespace.SocketCount);
        }
    }

    [Fact]
    public async Task Disconnecting_is_raised_while_the_rooms_are_still_there_and_Disconnected_after()
    {
        var sockets = new Recorder<Socket>();
        await using var host = await StartAsync(sockets);
        var (client, _) = await SioClient.ConnectAndJoinAsync(host);
        using (client)
        {
            var socket = await sockets.NextAsync();
            socket.Join("r");
            var order = new Recorder<string>();
            socket.Disconnecting += (s, reason) => order.Add(
                $"disconnecting {reason} connected={s.Connected} rooms={string.Join(",", s.Rooms.Order(StringComparer.Ordinal))} member={s.Namespace.To("r").SocketIds().Contains(s.Id)}");
            socket.Disconnected += (s, reason) => order.Add(
                $"disconnected {reason} connected={s.Connected} rooms={s.Rooms.Count} listed={s.Namespace.TryGetSocket(s.Id, out _)}");

            await client.SendAsync("41");

            var rooms = string.Join(",", new[] { socket.Id, "r" }.Order(StringComparer.Ordinal));
            Assert.Equal($"disconnecting client namespace disconnect connected=False rooms={rooms} member=True", await order.NextAsync());
            Assert.Equal("disconnected client namespace disconnect connected=False rooms=0 listed=False", await order.NextAsync());
        }
    }

    [Fact]
    public async Task Disconnected_is_raised_once_and_a_second_disconnect_sends_nothing()
    {
        var sockets = new Recorder<Socket>();
        await using var host = await StartAsync(sockets);
        var client = await SioClient.ConnectAsync(host);
        using (client)
        {
            await client.JoinAsync("/");
            await sockets.NextAsync();
            await client.JoinAsync("/chat");
            var chat = await sockets.NextAsync();
            var count = 0;
            var reason = chat.DisconnectedReason();
            chat.Disconnected += (_, _) => Interlocked.Increment(ref count);

            await client.SendAsync("41/chat,");
            await reason.Within();
            chat.Disconnect();
            chat.Disconnect(close: true);

            await client.SendAsync("""42["marker"]""");
            Assert.Equal("""42["marker"]""", await client.ReceiveAsync());
            Assert.Equal(1, Volatile.Read(ref count));
            Assert.True(chat.Connection.IsOpen);
        }
    }

    [Fact]
    public async Task A_throwing_disconnect_listener_is_logged_and_the_others_still_run()
    {
        var sink = new LogSink();
        var sockets = new Recorder<Socket>();
        await using var host = await StartAsync(sockets, services: s => s.AddSingleton<ILoggerProvider>(sink));
        var (client, _) = await SioClient.ConnectAndJoinAsync(host);
        using (client)
        {
            var socket = await sockets.NextAsync();
            socket.Disconnecting += (_, _) => throw new InvalidOperationException("listener boom");
            var reason = socket.DisconnectedReason();

            await client.SendAsync("41");

            Assert.Equal("client namespace disconnect", await reason.Within());
            Assert.Equal("listener boom", (await sink.WaitForAsync(207)).Exception?.Message);
            Assert.Equal(0, socket.Namespace.SocketCount);
        }
    }

    [Fact]
    public async Task Emitting_to_a_socket_of_a_closed_connection_does_not_throw()
    {
        var sockets = new Recorder<Socket>();
        await using var host = await StartAsync(sockets);
        var (client, _) = await SioClient.ConnectAndJoinAsync(host);
        Socket socket;
        using (client)
        {
            socket = await sockets.NextAsync();
            var reason = socket.DisconnectedReason();
            await client.CloseAsync();
            await reason.Within();
        }

        await socket.EmitAsync("late");
        await socket.EmitVolatileAsync("late");
        await socket.Namespace.EmitAsync("late");
        Assert.False(socket.Connection.IsOpen);
        Assert.Equal(EngineIoCloseReasons.TransportClose, socket.Connection.CloseReason);
    }

    /// <summary>Joins <c>/</c> and <c>/chat</c> on one connection and starts waiting for both sockets' disconnect reasons.</summary>
    private static async Task<(Socket Main, Socket Chat, Task<string> MainReason, Task<string> ChatReason)> JoinMainAndChatAsync(SioClient client, Recorder<Socket> sockets)
    {
        await client.JoinAsync("/");
        var main = await sockets.NextAsync();
        await client.JoinAsync("/chat");
        var chat = await sockets.NextAsync();
        return (main, chat, main.DisconnectedReason(), chat.DisconnectedReason());
    }
}
