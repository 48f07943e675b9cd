using TypedIo.SocketIo;

namespace TypedIo.Tests.SocketIo.BroadcastAcks;

/// <summary>Ack ids come from one counter per namespace (Node's <c>nsp._ids</c>), shared by sockets and broadcasts.</summary>
public sealed class AckIdTests
{
    [Fact]
    public async Task Sockets_of_one_namespace_draw_ack_ids_from_one_counter()
    {
        await using var g = await SocketGroup.StartAsync(2);

        var first = g.Sockets[0].EmitWithAckAsync("q", []);
        var second = g.Sockets[1].EmitWithAckAsync("q", []);
        var third = g.Sockets[0].EmitWithAckAsync("q", []);

        Assert.Equal("""420["q"]""", await g.Clients[0].ReceiveAsync());
        Assert.Equal("""421["q"]""", await g.Clients[1].ReceiveAsync());
        Assert.Equal("""422["q"]""", await g.Clients[0].ReceiveAsync());

        // An answer with another socket's id does not settle anything of this socket.
        await g.Clients[0].SendAsync("""431["wrong socket"]""");
        await g.SyncAsync(0);
        Assert.False(first.IsCompleted || second.IsCompleted || third.IsCompleted);

        await g.Clients[1].SendAsync("""431["b"]""");
        await g.Clients[0].SendAsync("""432["c"]""");
        await g.Clients[0].SendAsync("""430["a"]""");
        Assert.Equal("a", (await first.Within())[0].GetString());
        Assert.Equal("b", (await second.Within())[0].GetString());
        Assert.Equal("c", (await third.Within())[0].GetString());
    }

    [Fact]
    public async Task A_broadcast_takes_one_id_of_the_counter_between_socket_emits()
    {
        await using var g = await SocketGroup.StartAsync(2);

        _ = g.Sockets[0].EmitWithAckAsync("q", []);
        _ = g.Namespace.All.EmitWithAckAsync("all", [], TimeSpan.FromMinutes(5));
        _ = g.Sockets[1].EmitWithAckAsync("q", []);

        Assert.Equal("""420["q"]""", await g.Clients[0].ReceiveAsync());
        Assert.Equal("""421["all"]""", await g.Clients[0].ReceiveAsync());
        Assert.Equal("""421["all"]""", await g.Clients[1].ReceiveAsync());
        Assert.Equal("""422["q"]""", await g.Clients[1].ReceiveAsync());
    }

    [Fact]
    public async Task Each_namespace_has_its_own_counter()
    {
        var sockets = new Recorder<Socket>();
        await using var host = await SioTest.StartAsync(io =>
        {
            io.Of("/").OnConnection(sockets.Add);
            io.Of("/chat").OnConnection(sockets.Add);
        });
        using var client = await SioClient.ConnectAsync(host);
        await client.JoinAsync("/");
        var main = await sockets.NextAsync();
        await client.JoinAsync("/chat");
        var chat = await sockets.NextAsync();

        _ = main.EmitWithAckAsync("q", []);
        _ = chat.EmitWithAckAsync("q", []);

        Assert.Equal("""420["q"]""", await client.ReceiveAsync());
        Assert.Equal("""42/chat,0["q"]""", await client.ReceiveAsync());
    }
}
