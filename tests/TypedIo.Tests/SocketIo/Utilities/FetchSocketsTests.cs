using TypedIo.SocketIo;

namespace TypedIo.Tests.SocketIo.Utilities;

/// <summary><c>FetchSocketsAsync</c> and what a <see cref="RemoteSocket"/> can do, over real clients.</summary>
public sealed class FetchSocketsTests
{
    private static string[] Ids(IEnumerable<RemoteSocket> sockets) => [.. sockets.Select(s => s.Id).Order(StringComparer.Ordinal)];

    private static string[] Ids(params Socket[] sockets) => [.. sockets.Select(s => s.Id).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task FetchSockets_returns_the_targeted_sockets_with_their_rooms_data_and_handshake()
    {
        await using var g = await SocketGroup.StartAsync(3, "/game");
        var (a, b, c) = (g.Sockets[0], g.Sockets[1], g.Sockets[2]);
        a.Join("red");
        b.Join("red");
        b.Join("captain");
        c.Join("blue");
        a.Data["name"] = "alice";
        b.Data["name"] = "bob";

        Assert.Equal(Ids(a, b, c), Ids(await g.Namespace.FetchSocketsAsync()));
        Assert.Equal(Ids(a, b), Ids(await g.Namespace.In("red").FetchSocketsAsync()));
        Assert.Equal(Ids(a, c), Ids(await g.Namespace.Except("captain").FetchSocketsAsync()));
        Assert.Equal(Ids(a, b, c), Ids(await g.Namespace.To("red").To("blue").FetchSocketsAsync()));
        Assert.Empty(await g.Namespace.In("nobody").FetchSocketsAsync());

        var fetchedB = Assert.Single(await g.Namespace.In("captain").FetchSocketsAsync());
        Assert.Equal(b.Id, fetchedB.Id);
        Assert.Equal(new[] { b.Id, "captain", "red" }.Order(StringComparer.Ordinal), fetchedB.Rooms.Order(StringComparer.Ordinal));
        Assert.Equal("bob", fetchedB.Data["name"]);
        Assert.Same(b.Handshake, fetchedB.Handshake);
        Assert.Empty(Assert.Single(await g.Namespace.In("blue").FetchSocketsAsync()).Data);
    }

    [Fact]
    public async Task The_rooms_and_data_of_a_fetched_socket_are_a_snapshot()
    {
        await using var g = await SocketGroup.StartAsync(1);
        var socket = g.Sockets[0];
        socket.Data["n"] = 1;

        var fetched = Assert.Single(await g.Io.FetchSocketsAsync());
        socket.Data["n"] = 2;
        socket.Join("later");

        Assert.Equal(1, fetched.Data["n"]);
        Assert.DoesNotContain("later", fetched.Rooms);
    }

    [Fact]
    public async Task A_fetched_socket_can_be_emitted_to_joined_left_and_disconnected()
    {
        await using var g = await SocketGroup.StartAsync(2);
        var fetched = (await g.Namespace.In(g.Sockets[0].Id).FetchSocketsAsync()).Single();

        await fetched.EmitAsync("hello", "you");
        Assert.Equal("""42["hello","you"]""", await g.Clients[0].ReceiveAsync());

        fetched.Join("vip");
        fetched.Join(["a", "b"]);
        Assert.Contains("vip", g.Sockets[0].Rooms);
        Assert.Contains("b", g.Sockets[0].Rooms);
        fetched.Leave("vip");
        Assert.DoesNotContain("vip", g.Sockets[0].Rooms);
        Assert.Equal([g.Sockets[1].Id], g.Sockets[1].Rooms);

        var gone = g.Sockets[0].DisconnectedReason();
        fetched.Disconnect();
        Assert.Equal("41", await g.Clients[0].ReceiveAsync());
        Assert.Equal(SocketDisconnectReasons.ServerNamespaceDisconnect, await gone.Within());
        await g.SyncAsync(1); // the other socket got nothing
    }

    [Fact]
    public async Task Disconnect_with_close_closes_the_connection_of_a_fetched_socket()
    {
        await using var g = await SocketGroup.StartAsync(1);
        var fetched = Assert.Single(await g.Io.FetchSocketsAsync());
        var gone = g.Sockets[0].DisconnectedReason();

        fetched.Disconnect(close: true);

        await g.Clients[0].ReceiveUntilCloseAsync();
        Assert.Equal(SocketDisconnectReasons.ServerNamespaceDisconnect, await gone.Within());
    }

    [Fact]
    public async Task Sockets_of_other_namespaces_are_not_fetched()
    {
        var sockets = new Recorder<Socket>();
        await using var host = await SioTest.StartAsync(io =>
        {
            io.Of("/").OnConnection(sockets.Add);
            io.Of("/chat").OnConnection(sockets.Add);
        });
        using var client = await SioClient.ConnectAsync(host);
        await client.JoinAsync("/chat");
        var chat = await sockets.NextAsync();
        var io = host.Services.GetRequiredSocketIo();

        Assert.Empty(await io.FetchSocketsAsync());
        Assert.Equal([chat.Id], (await io.Of("/chat").FetchSocketsAsync()).Select(s => s.Id));
    }
}
