using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TypedIo.SocketIo;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Tests.SocketIo.Recovery;

/// <summary>
/// Connection state recovery, driven at the wire level: a client drops its connection, comes back with the pid and
/// offset it was given, and must get its id, rooms, data and exactly the packets it missed.
/// </summary>
public sealed class RecoveryTests
{
    private sealed class Clock : TimeProvider
    {
        private long _offset;

        public void Advance(TimeSpan by) => Interlocked.Add(ref _offset, (long)(by.TotalSeconds * TimestampFrequency));

        public override long GetTimestamp() => base.GetTimestamp() + Interlocked.Read(ref _offset);
    }

    private static async Task<(TestHost Host, Recorder<Socket> Sockets)> StartAsync(Action<ConnectionStateRecoveryOptions>? recovery = null, TimeProvider? time = null, Action<Namespace>? configure = null)
    {
        var sockets = new Recorder<Socket>();
        var host = await SioTest.StartAsync(
            io =>
            {
                var main = io.Of("/");
                configure?.Invoke(main);
                main.OnConnection(socket =>
                {
                    socket.On("join", e => socket.Join(e.Args[0].GetString()!));
                    sockets.Add(socket);
                });
            },
            o =>
            {
                o.ConnectionStateRecovery = new ConnectionStateRecoveryOptions();
                recovery?.Invoke(o.ConnectionStateRecovery);
            },
            services => { if (time is not null) services.AddSingleton(time); });
        return (host, sockets);
    }

    private static (string Sid, string Pid) ReadConnect(string reply)
    {
        using var doc = JsonDocument.Parse(reply[2..]);
        return (doc.RootElement.GetProperty("sid").GetString()!, doc.RootElement.GetProperty("pid").GetString()!);
    }

    private static string OffsetOf(string packet)
    {
        using var doc = JsonDocument.Parse(packet[2..]);
        var args = doc.RootElement;
        return args[args.GetArrayLength() - 1].GetString()!;
    }

    /// <summary>A client joined to "/" with recovery: its socket id, pid, server-side socket, and the offset of a first packet.</summary>
    private static async Task<(SioClient Client, string Sid, string Pid, Socket Socket, string Offset)> ConnectAsync(TestHost host, Recorder<Socket> sockets)
    {
        var client = await SioClient.ConnectAsync(host);
        await client.SendAsync("40");
        var (sid, pid) = ReadConnect(await client.ReceiveAsync());
        var socket = await sockets.NextAsync();
        await socket.EmitAsync("hello", 0);
        var hello = await client.ReceiveAsync();
        Assert.StartsWith("""42["hello",0,""", hello, StringComparison.Ordinal);
        return (client, sid, pid, socket, OffsetOf(hello));
    }

    private static async Task DropAsync(SioClient client, Socket socket)
    {
        var gone = socket.DisconnectedReason();
        client.Ws.Socket.Abort();
        client.Dispose();
        Assert.Equal("transport close", await gone.Within());
    }

    [Fact]
    public async Task A_client_that_comes_back_gets_its_id_rooms_data_and_exactly_the_packets_it_missed()
    {
        var (host, sockets) = await StartAsync();
        await using (host)
        {
            var (client, sid, pid, socket, offset) = await ConnectAsync(host, sockets);
            socket.Join("news");
            socket.Data["user"] = "ada";
            var io = host.Services.GetRequiredSocketIo();
            await io.To("news").EmitAsync("item", 1);
            var seen = await client.ReceiveAsync();
            Assert.StartsWith("""42["item",1,""", seen, StringComparison.Ordinal);
            offset = OffsetOf(seen);
            await DropAsync(client, socket);

            await io.To("news").EmitAsync("item", 2);             // missed: for its room
            await io.To("elsewhere").EmitAsync("item", 99);       // not for it
            await io.Sockets.Except("news").EmitAsync("item", 98);        // not for it
            await io.EmitAsync("item", 3);                        // missed: for everyone
            await io.Sockets.Volatile.EmitAsync("item", 97);              // volatile: never kept

            using var back = await SioClient.ConnectAsync(host);
            await back.SendAsync($$"""40{"pid":"{{pid}}","offset":"{{offset}}"}""");
            Assert.Equal((sid, pid), ReadConnect(await back.ReceiveAsync()));
            Assert.StartsWith("""42["item",2,""", await back.ReceiveAsync(), StringComparison.Ordinal);
            Assert.StartsWith("""42["item",3,""", await back.ReceiveAsync(), StringComparison.Ordinal);

            var recovered = await sockets.NextAsync();
            Assert.True(recovered.Recovered);
            Assert.Equal(sid, recovered.Id);
            Assert.Contains("news", recovered.Rooms);
            Assert.Equal("ada", recovered.Data["user"]);

            // And it is live in its rooms again: the next packet arrives once, after the replayed ones.
            await io.To("news").EmitAsync("item", 4);
            Assert.StartsWith("""42["item",4,""", await back.ReceiveAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_session_is_recovered_once_only()
    {
        var (host, sockets) = await StartAsync();
        await using (host)
        {
            var (client, sid, pid, socket, offset) = await ConnectAsync(host, sockets);
            await DropAsync(client, socket);

            using var first = await SioClient.ConnectAsync(host);
            await first.SendAsync($$"""40{"pid":"{{pid}}","offset":"{{offset}}"}""");
            Assert.Equal(sid, ReadConnect(await first.ReceiveAsync()).Sid);

            using var second = await SioClient.ConnectAsync(host);
            await second.SendAsync($$"""40{"pid":"{{pid}}","offset":"{{offset}}"}""");
            var (otherSid, otherPid) = ReadConnect(await second.ReceiveAsync());
            Assert.NotEqual(sid, otherSid);
            Assert.NotEqual(pid, otherPid);
        }
    }

    [Fact]
    public async Task After_the_maximum_disconnection_duration_the_client_gets_a_new_socket()
    {
        var clock = new Clock();
        var (host, sockets) = await StartAsync(r => r.MaxDisconnectionDuration = TimeSpan.FromSeconds(30), clock);
        await using (host)
        {
            var (client, sid, pid, socket, offset) = await ConnectAsync(host, sockets);
            await DropAsync(client, socket);
            clock.Advance(TimeSpan.FromSeconds(31));

            using var back = await SioClient.ConnectAsync(host);
            await back.SendAsync($$"""40{"pid":"{{pid}}","offset":"{{offset}}"}""");
            var (newSid, newPid) = ReadConnect(await back.ReceiveAsync());
            Assert.NotEqual(sid, newSid);
            Assert.NotEqual(pid, newPid);
            Assert.False((await sockets.NextAsync()).Recovered);
        }
    }

    [Fact]
    public async Task When_its_last_packet_left_the_buffer_the_client_is_not_recovered_with_a_gap()
    {
        var (host, sockets) = await StartAsync(r => r.MaxBufferedPackets = 3);
        await using (host)
        {
            var (client, sid, pid, socket, offset) = await ConnectAsync(host, sockets);
            await DropAsync(client, socket);
            var io = host.Services.GetRequiredSocketIo();
            for (var i = 0; i < 4; i++)
                await io.EmitAsync("item", i);   // pushes "hello" (the client's offset) out of a 3-packet buffer

            using var back = await SioClient.ConnectAsync(host);
            await back.SendAsync($$"""40{"pid":"{{pid}}","offset":"{{offset}}"}""");
            var (newSid, _) = ReadConnect(await back.ReceiveAsync());
            Assert.NotEqual(sid, newSid);
            var fresh = await sockets.NextAsync();
            Assert.False(fresh.Recovered);
            await fresh.EmitAsync("fresh");   // nothing was replayed: the next packet is a new one
            Assert.StartsWith("""42["fresh",""", await back.ReceiveAsync(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(false, 2)]
    [InlineData(true, 1)]
    public async Task Middleware_runs_again_on_recovery_unless_told_to_skip(bool skip, int expectedRuns)
    {
        var runs = 0;
        var (host, sockets) = await StartAsync(r => r.SkipMiddlewares = skip, configure: nsp => nsp.Use(async (_, next) =>
        {
            Interlocked.Increment(ref runs);
            await next();
        }));
        await using (host)
        {
            var (client, sid, pid, socket, offset) = await ConnectAsync(host, sockets);
            await DropAsync(client, socket);

            using var back = await SioClient.ConnectAsync(host);
            await back.SendAsync($$"""40{"pid":"{{pid}}","offset":"{{offset}}"}""");
            Assert.Equal(sid, ReadConnect(await back.ReceiveAsync()).Sid);
            Assert.Equal(expectedRuns, Volatile.Read(ref runs));
        }
    }

    [Fact]
    public async Task Leaving_on_purpose_is_not_recoverable_and_acks_and_volatile_emits_carry_no_offset()
    {
        var (host, sockets) = await StartAsync();
        await using (host)
        {
            var (client, sid, pid, socket, offset) = await ConnectAsync(host, sockets);
            using (client)
            {
                await socket.EmitVolatileAsync("v", 1);
                Assert.Equal("""42["v",1]""", await client.ReceiveAsync());
                var ask = socket.EmitWithAckAsync("q", [1]);
                Assert.Equal("""420["q",1]""", await client.ReceiveAsync());
                await client.SendAsync("430[]");
                await ask.Within();

                var gone = socket.DisconnectedReason();
                await client.SendAsync("41");
                Assert.Equal("client namespace disconnect", await gone.Within());
            }

            using var back = await SioClient.ConnectAsync(host);
            await back.SendAsync($$"""40{"pid":"{{pid}}","offset":"{{offset}}"}""");
            Assert.NotEqual(sid, ReadConnect(await back.ReceiveAsync()).Sid);
        }
    }

    [Fact]
    public async Task Without_recovery_the_connect_reply_has_no_pid_and_events_no_offset()
    {
        var sockets = new Recorder<Socket>();
        await using var host = await SioTest.StartAsync(io => io.Of("/").OnConnection(sockets.Add));
        using var client = await SioClient.ConnectAsync(host);
        await client.SendAsync("40");
        var reply = await client.ReceiveAsync();
        using (var doc = JsonDocument.Parse(reply[2..]))
            Assert.False(doc.RootElement.TryGetProperty("pid", out _));
        await (await sockets.NextAsync()).EmitAsync("hello", 0);
        Assert.Equal("""42["hello",0]""", await client.ReceiveAsync());
    }
}
