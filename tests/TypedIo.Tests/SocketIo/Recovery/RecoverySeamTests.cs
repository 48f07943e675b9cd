using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using TypedIo.SocketIo;
using TypedIo.Tests.Infrastructure;
using TypedIo.Tests.Interop;

namespace TypedIo.Tests.SocketIo.Recovery;

/// <summary>
/// Connection state recovery is driven by the adapter: with <see cref="ExternalSessionAdapter"/> (sessions and packets
/// outside the Runtime, offsets shaped like Redis stream ids) the Runtime persists, restores and resumes only through
/// the seam, and a client still gets its session and every missed packet exactly once.
/// </summary>
public sealed partial class RecoverySeamTests
{
    [GeneratedRegex("^[0-9]+-0$")]
    private static partial Regex StreamOffset();

    private static async Task<(TestHost Host, Recorder<Socket> Sockets)> StartAsync(ExternalSessionStore store, Action<Namespace>? configure = null)
    {
        var sockets = new Recorder<Socket>();
        var host = await SioTest.StartAsync(
            io =>
            {
                var main = io.Of("/");
                configure?.Invoke(main);
                main.OnConnection(sockets.Add);
            },
            o => o.ConnectionStateRecovery = new ConnectionStateRecoveryOptions(),
            services => services.AddSingleton<ISocketAdapterFactory>(new ExternalSessionAdapterFactory(store)));
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
        return doc.RootElement[doc.RootElement.GetArrayLength() - 1].GetString()!;
    }

    /// <summary>Connects, gets one stored packet (its offset is the client's last), and loses the transport.</summary>
    private static async Task<(string Sid, string Pid, string Offset)> ConnectAndDropAsync(TestHost host, Recorder<Socket> sockets)
    {
        var (client, sid, pid, socket) = await ConnectAsync(host, sockets);
        await socket.EmitAsync("hello");
        var offset = OffsetOf(await client.ReceiveAsync());
        await DropAsync(client, socket);
        return (sid, pid, offset);
    }

    /// <summary>Cuts the client's transport and waits until the server has seen its socket go; returns the reason.</summary>
    private static async Task<string> DropAsync(SioClient client, Socket socket)
    {
        var dropped = socket.DisconnectedReason();
        client.Ws.Socket.Abort();
        client.Dispose();
        return await dropped.Within();
    }

    private static async Task<(SioClient Client, string Sid, string Pid, Socket Socket)> ConnectAsync(TestHost host, Recorder<Socket> sockets)
    {
        var client = await SioClient.ConnectAsync(host);
        await client.SendAsync("40");
        var (sid, pid) = ReadConnect(await client.ReceiveAsync());
        return (client, sid, pid, await sockets.NextAsync());
    }

    [Fact]
    public async Task Only_a_recoverable_disconnect_is_persisted_with_the_id_rooms_and_data_a_remote_store_needs()
    {
        var store = new ExternalSessionStore();
        var (host, sockets) = await StartAsync(store);
        await using (host)
        {
            // Leaving on purpose, from either side: nothing is persisted.
            var (left, _, _, leftSocket) = await ConnectAsync(host, sockets);
            using (left)
            {
                var gone = leftSocket.DisconnectedReason();
                await left.SendAsync("41");
                Assert.Equal("client namespace disconnect", await gone.Within());
            }
            var (kicked, _, _, kickedSocket) = await ConnectAsync(host, sockets);
            using (kicked)
            {
                var gone = kickedSocket.DisconnectedReason();
                kickedSocket.Disconnect();
                Assert.Equal("server namespace disconnect", await gone.Within());
            }
            Assert.Empty(store.Persisted);

            // Losing the transport: persisted before the socket leaves its rooms.
            var (client, sid, pid, socket) = await ConnectAsync(host, sockets);
            socket.Join("news");
            socket.Data["user"] = "ada";
            socket.Data["level"] = 3;
            Assert.Equal("transport close", await DropAsync(client, socket));

            var session = Assert.Single(store.Persisted);
            Assert.Equal(sid, session.Id);
            Assert.Equal(pid, session.PrivateId);
            Assert.Equal(new[] { "news", sid }.Order(StringComparer.Ordinal), session.Rooms.Order(StringComparer.Ordinal));
            Assert.Equal("ada", session.Data["user"]);
            Assert.Equal(3, session.Data["level"]);
            Assert.Equal("""{"sid":"SID","pid":"PID","rooms":[ROOMS],"data":{"user":"ada","level":3}}""",
                System.Text.Encoding.UTF8.GetString(store.Sessions[pid])
                    .Replace(sid, "SID", StringComparison.Ordinal).Replace(pid, "PID", StringComparison.Ordinal)
                    .Replace("\"news\",\"SID\"", "ROOMS", StringComparison.Ordinal).Replace("\"SID\",\"news\"", "ROOMS", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task The_adapter_gives_offsets_restores_on_connect_and_replays_what_was_missed()
    {
        var store = new ExternalSessionStore();
        var (host, sockets) = await StartAsync(store);
        await using (host)
        {
            var (client, sid, pid, socket) = await ConnectAsync(host, sockets);
            socket.Join("news");
            socket.Data["user"] = "ada";
            await socket.EmitAsync("hello", 0);   // to one socket: still through the adapter, with its offset
            var hello = await client.ReceiveAsync();
            Assert.StartsWith("""42["hello",0,""", hello, StringComparison.Ordinal);
            var offset = OffsetOf(hello);
            Assert.Matches(StreamOffset(), offset);
            Assert.Equal(offset, await store.OffsetOfAsync("\"hello\""));

            await DropAsync(client, socket);

            var io = host.Services.GetRequiredSocketIo();
            await io.To("news").EmitAsync("item", 1);
            await io.To("elsewhere").EmitAsync("item", 99);
            await io.EmitAsync("item", 2);
            await io.Sockets.Volatile.EmitAsync("item", 98);

            using var back = await SioClient.ConnectAsync(host);
            await back.SendAsync($$"""40{"pid":"{{pid}}","offset":"{{offset}}"}""");
            Assert.Equal((sid, pid), ReadConnect(await back.ReceiveAsync()));
            Assert.Equal(Assert.Single(store.Restores), (pid, offset));
            var one = await back.ReceiveAsync();
            Assert.Equal($$"""42["item",1,"{{await store.OffsetOfAsync("[\"item\",1,")}}"]""", one);
            var two = await back.ReceiveAsync();
            Assert.Equal($$"""42["item",2,"{{await store.OffsetOfAsync("[\"item\",2,")}}"]""", two);

            var recovered = await sockets.NextAsync();
            Assert.True(recovered.Recovered);
            Assert.Equal(sid, recovered.Id);
            Assert.Contains("news", recovered.Rooms);
            Assert.Equal("ada", Assert.IsType<JsonElement>(recovered.Data["user"]).GetString());

            await io.To("news").EmitAsync("item", 3);
            Assert.StartsWith("""42["item",3,""", await back.ReceiveAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_broadcast_while_the_adapter_resumes_a_socket_reaches_it_once_after_its_connect()
    {
        var store = new ExternalSessionStore();
        var (host, sockets) = await StartAsync(store);
        await using (host)
        {
            var (sid, pid, offset) = await ConnectAndDropAsync(host, sockets);

            var io = host.Services.GetRequiredSocketIo();
            await io.EmitAsync("item", 1);
            // The socket is in its namespace already, not connected yet: a broadcast to everyone now (a stream entry the
            // node delivers while a Redis adapter reads the missed packets) is one of its missed packets, not a live one.
            store.BeforeResume = () => io.EmitAsync("item", 2).AsTask();
            using var back = await SioClient.ConnectAsync(host);
            await back.SendAsync($$"""40{"pid":"{{pid}}","offset":"{{offset}}"}""");
            Assert.Equal((sid, pid), ReadConnect(await back.ReceiveAsync()));
            Assert.StartsWith("""42["item",1,""", await back.ReceiveAsync(), StringComparison.Ordinal);
            Assert.StartsWith("""42["item",2,""", await back.ReceiveAsync(), StringComparison.Ordinal);
            store.BeforeResume = null;
            Assert.True((await sockets.NextAsync()).Recovered);

            await io.EmitAsync("item", 3);
            Assert.StartsWith("""42["item",3,""", await back.ReceiveAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_failing_restore_connects_a_fresh_socket()
    {
        var store = new ExternalSessionStore();
        var (host, sockets) = await StartAsync(store);
        await using (host)
        {
            var (sid, pid, offset) = await ConnectAndDropAsync(host, sockets);

            store.FailRestores = true;
            using var back = await SioClient.ConnectAsync(host);
            await back.SendAsync($$"""40{"pid":"{{pid}}","offset":"{{offset}}"}""");
            var (newSid, newPid) = ReadConnect(await back.ReceiveAsync());
            Assert.NotEqual(sid, newSid);
            Assert.NotEqual(pid, newPid);
            Assert.False((await sockets.NextAsync()).Recovered);
            Assert.Single(store.Restores);
        }
    }

    [Theory]
    [MemberData(nameof(SocketIoInterop.Modes), MemberType = typeof(SocketIoInterop))]
    public async Task The_real_client_recovers_through_the_adapter_exactly_once_and_in_order(string mode)
    {
        var store = new ExternalSessionStore();
        var away = SioTest.Signal<bool>();
        var (host, _) = await StartAsync(store, main => main.OnConnection(socket =>
        {
            if (!socket.Recovered)
                socket.Join("stream");
            socket.On("start", async _ =>
            {
                for (var n = 1; n <= 50; n++)
                    await main.To("stream").EmitAsync("n", n);
            });
            socket.On("resumed", async _ =>
            {
                // After 51..100 (the adapter's offsets arrive asynchronously: the client may be back before they are all out).
                await away.Task;
                for (var n = 101; n <= 150; n++)
                    await main.To("stream").EmitAsync("n", n);
            });
            if (!socket.Recovered)
            {
                // While the client is away: kept by the adapter, replayed or delivered live when it comes back.
                socket.Disconnected += (_, _) =>
                {
                    for (var n = 51; n <= 100; n++)
                        main.To("stream").EmitAsync("n", n).AsTask().GetAwaiter().GetResult();
                    away.TrySetResult(true);
                };
            }
        }));
        await using (host)
        {
            await using var script = NodeScript.Start("socketio/recovery.mjs", host.BaseAddress.ToString(), mode);
            var result = await script.WaitForEventAsync("result", TimeSpan.FromSeconds(90));

            Assert.Equal([false, true], result.GetProperty("recovered").EnumerateArray().Select(r => r.GetBoolean()));
            Assert.Equal(Enumerable.Range(1, 150), result.GetProperty("received").EnumerateArray().Select(n => n.GetInt32()));
            var ids = result.GetProperty("ids").EnumerateArray().Select(i => i.GetString()).ToList();
            Assert.Equal(2, ids.Count);
            Assert.Equal(ids[0], ids[1]);

            // The client reported the adapter's offset of the last packet it saw before its transport dropped.
            // (The first persisted session: the client's exit at the end may be a transport close too.)
            Assert.True(store.Persisted.TryPeek(out var session));
            Assert.Equal(ids[0], session.Id);
            var (pid, offset) = Assert.Single(store.Restores);
            Assert.Equal(session.PrivateId, pid);
            Assert.Equal(await store.OffsetOfAsync("[\"n\",50,"), offset);
        }
    }
}
