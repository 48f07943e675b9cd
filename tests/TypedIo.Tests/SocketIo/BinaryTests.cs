using TypedIo.SocketIo;

namespace TypedIo.Tests.SocketIo;

public sealed class BinaryTests
{
    private static async Task<(Infrastructure.TestHost Host, SioClient Client, Socket Socket)> StartAsync(Action<Socket>? setup = null, string nsp = "/")
    {
        var sockets = new Recorder<Socket>();
        var host = await SioTest.StartAsync(io => io.Of(nsp).OnConnection(socket =>
        {
            setup?.Invoke(socket);
            sockets.Add(socket);
        }));
        var (client, _) = await SioClient.ConnectAndJoinAsync(host, nsp);
        return (host, client, await sockets.NextAsync());
    }

    [Fact]
    public async Task A_binary_event_from_the_client_reaches_the_handler_with_its_attachment()
    {
        var received = SioTest.Signal<SocketEvent>();
        var (host, client, _) = await StartAsync(s => s.On("upload", e => received.SetResult(e)));
        await using (host)
        using (client)
        {
            await client.SendAsync("""451-["upload",{"_placeholder":true,"num":0}]""");
            await client.SendBinaryAsync([9, 8, 7]);

            var e = await received.Task.Within();
            Assert.Single(e.Args);
            Assert.Equal(new byte[] { 9, 8, 7 }, e.Args.GetBinary(0));
            Assert.Equal(new byte[] { 9, 8, 7 }, Assert.Single(e.Args.Attachments));
        }
    }

    [Fact]
    public async Task Binary_nested_in_objects_with_two_attachments_is_resolved_and_echoed_unchanged()
    {
        var (host, client, _) = await StartAsync(s => s.On("echo", e => s.EmitAsync("echo", e.Args.ToEmitArgs())));
        await using (host)
        using (client)
        {
            const string Packet = """452-["echo",{"name":"a","files":[{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]},"text"]""";
            await client.SendAsync(Packet);
            await client.SendBinaryAsync([1]);
            await client.SendBinaryAsync([2, 2]);

            Assert.Equal(Packet, await client.ReceiveAsync());
            Assert.Equal(new byte[] { 1 }, await client.ReceiveBinaryAsync());
            Assert.Equal(new byte[] { 2, 2 }, await client.ReceiveBinaryAsync());
        }
    }

    [Fact]
    public async Task A_server_emit_of_bytes_is_a_binary_event_followed_by_the_binary_frame()
    {
        var (host, client, socket) = await StartAsync();
        await using (host)
        using (client)
        {
            await socket.EmitAsync("file", new byte[] { 0, 255, 16 });

            Assert.Equal("""451-["file",{"_placeholder":true,"num":0}]""", await client.ReceiveAsync());
            Assert.Equal(new byte[] { 0, 255, 16 }, await client.ReceiveBinaryAsync());
        }
    }

    [Fact]
    public async Task A_server_emit_of_bytes_in_a_namespace_names_it()
    {
        var (host, client, socket) = await StartAsync(nsp: "/files");
        await using (host)
        using (client)
        {
            await socket.EmitAsync("file", new { data = new byte[] { 5 } }, "x");

            Assert.Equal("""451-/files,["file",{"data":{"_placeholder":true,"num":0}},"x"]""", await client.ReceiveAsync());
            Assert.Equal(new byte[] { 5 }, await client.ReceiveBinaryAsync());
        }
    }

    [Fact]
    public async Task A_binary_ack_from_the_server_is_a_binary_ack_followed_by_the_binary_frame()
    {
        var (host, client, _) = await StartAsync(s => s.On("get", e => e.Ack(new byte[] { 4, 2 })));
        await using (host)
        using (client)
        {
            await client.SendAsync("""427["get"]""");

            Assert.Equal("""461-7[{"_placeholder":true,"num":0}]""", await client.ReceiveAsync());
            Assert.Equal(new byte[] { 4, 2 }, await client.ReceiveBinaryAsync());
        }
    }

    [Fact]
    public async Task A_binary_event_with_an_ack_id_can_be_acked()
    {
        var (host, client, _) = await StartAsync(s => s.On("size", e => e.Ack(e.Args.GetBinary(0)!.Length)));
        await using (host)
        using (client)
        {
            await client.SendAsync("""451-12["size",{"_placeholder":true,"num":0}]""");
            await client.SendBinaryAsync(new byte[1000]);

            Assert.Equal("4312[1000]", await client.ReceiveAsync());
        }
    }

    [Fact]
    public async Task A_binary_event_in_a_namespace_reaches_that_namespace()
    {
        var received = SioTest.Signal<byte[]?>();
        var (host, client, _) = await StartAsync(s => s.On("up", e => received.SetResult(e.Args.GetBinary(0))), "/files");
        await using (host)
        using (client)
        {
            await client.SendAsync("""451-/files,["up",{"_placeholder":true,"num":0}]""");
            await client.SendBinaryAsync([3, 3, 3]);

            Assert.Equal(new byte[] { 3, 3, 3 }, await received.Task.Within());
        }
    }

    [Fact]
    public async Task Binary_events_interleaved_with_text_events_stay_in_order()
    {
        var order = new Recorder<string>();
        var (host, client, _) = await StartAsync(s => s.OnAny(e =>
        {
            order.Add(e.Name + (e.Args.Count > 0 && e.Args.GetBinary(0) is { } bytes ? ":" + bytes.Length : ""));
            return ValueTask.CompletedTask;
        }));
        await using (host)
        using (client)
        {
            await client.SendAsync("""42["a"]""");
            await client.SendAsync("""451-["b",{"_placeholder":true,"num":0}]""");
            await client.SendBinaryAsync([1, 2]);
            await client.SendAsync("""42["c"]""");

            Assert.Equal("a", await order.NextAsync());
            Assert.Equal("b:2", await order.NextAsync());
            Assert.Equal("c", await order.NextAsync());
        }
    }
}
