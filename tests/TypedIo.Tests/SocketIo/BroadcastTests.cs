using TypedIo.EngineIo;
using TypedIo.SocketIo;
using TypedIo.Tests.EngineIo;

namespace TypedIo.Tests.SocketIo;

public sealed class BroadcastTests
{
    /// <summary>Opens a polling session at /engine.io, joins the main namespace and returns the client.</summary>
    [Fact]
    public async Task A_namespace_emit_reaches_every_socket_of_that_namespace_only()
    {
        var sockets = new Recorder<Socket>();
        await using var host = await SioTest.StartAsync(io =>
        {
            io.Of("/").OnConnection(socket => socket.On("marker", e => socket.EmitAsync("marker")));
            io.Of("/chat").OnConnection(sockets.Add);
        });
        var io = host.Services.GetRequiredSocketIo();
        var (a, _) = await SioClient.ConnectAndJoinAsync(host, "/chat");
        var (b, _) = await SioClient.ConnectAndJoinAsync(host, "/chat");
        using var main = await SioClient.ConnectAsync(host);
        await main.JoinAsync("/");
        using (a)
        using (b)
        {
            await sockets.NextAsync();
            await sockets.NextAsync();

            await io.Of("/chat").EmitAsync("hello", "all");

            Assert.Equal("""42/chat,["hello","all"]""", await a.ReceiveAsync());
            Assert.Equal("""42/chat,["hello","all"]""", await b.ReceiveAsync());
            await main.SendAsync("""42["marker"]""");
            Assert.Equal("""42["marker"]""", await main.ReceiveAsync());
        }
    }

    [Fact]
    public async Task The_server_emit_and_to_address_the_main_namespace()
    {
        var sockets = new Recorder<Socket>();
        await using var host = await SioTest.StartAsync(io => io.Of("/").OnConnection(sockets.Add));
        var io = host.Services.GetRequiredSocketIo();
        using var client = await SioClient.ConnectAsync(host);
        await client.JoinAsync();
        (await sockets.NextAsync()).Join("r");

        await io.EmitAsync("everyone");
        await io.To("r").EmitAsync("room");

        Assert.Equal("""42["everyone"]""", await client.ReceiveAsync());
        Assert.Equal("""42["room"]""", await client.ReceiveAsync());
    }

    [Fact]
    public async Task A_broadcast_is_encoded_once_and_the_same_bytes_are_queued_to_every_recipient()
    {
        await using var recipients = await PollingRecipients.StartAsync(4);
        var before = recipients.Parser.EncodedEvents;

        await recipients.Io.Sockets.EmitAsync("news", new byte[] { 1, 2, 3 }, "text");

        Assert.Equal(before + 1, recipients.Parser.EncodedEvents);
        var encoded = recipients.Parser.Events.ToArray()[^1];
        Assert.Equal(2, encoded.Frames.Count);
        recipients.AssertEachQueued(encoded);
        Assert.Equal("""451-["news",{"_placeholder":true,"num":0},"text"]""", encoded.Frames[0].ToString());
    }

    [Fact]
    public async Task A_room_broadcast_is_encoded_once_and_every_member_receives_it()
    {
        var parser = new CountingParser(new JsonPacketParser());
        var sockets = new Recorder<Socket>();
        await using var host = await SioTest.StartAsync(io => io.Of("/").OnConnection(sockets.Add), o => o.Parser = parser);
        var clients = new List<SioClient>();
        try
        {
            for (var i = 0; i < 5; i++)
            {
                var (client, _) = await SioClient.ConnectAndJoinAsync(host);
                clients.Add(client);
                (await sockets.NextAsync()).Join("r");
            }
            var before = parser.EncodedEvents;

            await host.Services.GetRequiredSocketIo().To("r").EmitAsync("news", 7);

            Assert.Equal(before + 1, parser.EncodedEvents);
            foreach (var client in clients)
                Assert.Equal("""42["news",7]""", await client.ReceiveAsync());
        }
        finally
        {
            foreach (var client in clients)
                client.Dispose();
        }
    }

    [Fact]
    public async Task A_volatile_emit_is_dropped_when_the_transport_cannot_write_and_delivered_when_it_can()
    {
        var sockets = new Recorder<Socket>();
        await using var host = await SioTest.StartAsync(io => io.Of("/").OnConnection(sockets.Add), o => o.Path = EioTestUtil.Path);
        using var client = await PollingRecipients.JoinAsync(host);
        var socket = await sockets.NextAsync();
        Assert.False(socket.Connection.IsWritable);

        await socket.EmitVolatileAsync("dropped");
        await socket.Namespace.Volatile.EmitAsync("dropped-too");
        await socket.EmitAsync("kept");
        Assert.Equal(new[] { "42[\"kept\"]" }, await client.PollAsync());

        var waiting = client.StartGetAsync();
        await EioTestUtil.WaitUntilAsync(() => socket.Connection.IsWritable, "a waiting poll");
        await socket.EmitVolatileAsync("delivered", 1);
        using (var response = await waiting.WithTimeout(SioTest.Timeout))
            Assert.Equal(new[] { "42[\"delivered\",1]" }, await RawPollingClient.ReadPacketsAsync(response));

        waiting = client.StartGetAsync();
        await EioTestUtil.WaitUntilAsync(() => socket.Connection.IsWritable, "a waiting poll");
        await socket.Namespace.Volatile.EmitAsync("broadcast", 2);
        using (var response = await waiting.WithTimeout(SioTest.Timeout))
            Assert.Equal(new[] { "42[\"broadcast\",2]" }, await RawPollingClient.ReadPacketsAsync(response));
    }

    [Fact]
    public async Task A_volatile_emit_over_an_idle_websocket_is_delivered()
    {
        var sockets = new Recorder<Socket>();
        await using var host = await SioTest.StartAsync(io => io.Of("/").OnConnection(sockets.Add));
        var (client, _) = await SioClient.ConnectAndJoinAsync(host);
        using (client)
        {
            var socket = await sockets.NextAsync();
            await EioTestUtil.WaitUntilAsync(() => socket.Connection.IsWritable, "an empty send queue");

            await socket.EmitVolatileAsync("v", 1);

            Assert.Equal("""42["v",1]""", await client.ReceiveAsync());
        }
    }

    [Fact]
    public async Task Local_and_compress_flags_still_reach_every_socket_of_this_node()
    {
        var sockets = new Recorder<Socket>();
        await using var host = await SioTest.StartAsync(io => io.Of("/").OnConnection(sockets.Add));
        var (client, _) = await SioClient.ConnectAndJoinAsync(host);
        using (client)
        {
            var socket = await sockets.NextAsync();

            await socket.Namespace.Local.EmitAsync("local");
            await socket.Namespace.All.Compress(false).EmitAsync("uncompressed");
            await socket.Compress(false).EmitAsync("self");

            Assert.Equal("""42["local"]""", await client.ReceiveAsync());
            Assert.Equal("""42["uncompressed"]""", await client.ReceiveAsync());
            Assert.Equal("""42["self"]""", await client.ReceiveAsync());
        }
    }

    [Fact]
    public async Task DisconnectSockets_disconnects_the_targeted_sockets_only()
    {
        var sockets = new Recorder<Socket>();
        await using var host = await SioTest.StartAsync(io => io.Of("/").OnConnection(sockets.Add));
        var (a, _) = await SioClient.ConnectAndJoinAsync(host);
        var (b, _) = await SioClient.ConnectAndJoinAsync(host);
        using (a)
        using (b)
        {
            var first = await sockets.NextAsync();
            var second = await sockets.NextAsync();
            first.Join("kick");
            var reason = first.DisconnectedReason();

            first.Namespace.To("kick").DisconnectSockets();

            Assert.Equal("41", await a.ReceiveAsync());
            Assert.Equal(SocketDisconnectReasons.ServerNamespaceDisconnect, await reason.Within());
            Assert.True(second.Connected);
        }
    }
}
