using TypedIo.SocketIo;

namespace TypedIo.Tests.SocketIo;

public sealed class RoomTests
{
    /// <summary>A host with <paramref name="count"/> clients on the main namespace, each with its server socket.</summary>
    private static async Task<Group> StartGroupAsync(int count)
    {
        var sockets = new Recorder<Socket>();
        var host = await SioTest.StartAsync(io => io.Of("/").OnConnection(socket =>
        {
            socket.On("marker", e => socket.EmitAsync("marker"));
            socket.On("join", e => socket.Join(e.Args[0].GetString()!));
            socket.On("to", e => socket.To(e.Args[0].GetString()!).EmitAsync("from-socket", socket.Id));
            sockets.Add(socket);
        }));
        var group = new Group(host);
        for (var i = 0; i < count; i++)
        {
            var (client, _) = await SioClient.ConnectAndJoinAsync(host);
            group.Clients.Add(client);
            group.Sockets.Add(await sockets.NextAsync());
        }
        return group;
    }

    private static void AssertSet(string[] expected, IEnumerable<string> actual) =>
        Assert.Equal(expected.Order(StringComparer.Ordinal), actual.Order(StringComparer.Ordinal));

    private sealed class Group(Infrastructure.TestHost host) : IAsyncDisposable
    {
        public Infrastructure.TestHost Host { get; } = host;
        public List<SioClient> Clients { get; } = [];
        public List<Socket> Sockets { get; } = [];
        public Namespace Main => Sockets[0].Namespace;

        /// <summary>Asserts that client <paramref name="index"/> gets <paramref name="expected"/> and nothing before it.</summary>
        public async Task ExpectAsync(int index, string expected) => Assert.Equal(expected, await Clients[index].ReceiveAsync());

        /// <summary>Asserts that client <paramref name="index"/> was sent nothing since the last receive.</summary>
        public async Task ExpectNothingAsync(int index)
        {
            await Clients[index].SendAsync("""42["marker"]""");
            Assert.Equal("""42["marker"]""", await Clients[index].ReceiveAsync());
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var client in Clients)
                client.Dispose();
            await Host.DisposeAsync();
        }
    }

    [Fact]
    public async Task Rooms_include_the_socket_id_and_follow_join_and_leave()
    {
        await using var g = await StartGroupAsync(1);
        var socket = g.Sockets[0];
        AssertSet([socket.Id], socket.Rooms);

        socket.Join("a");
        socket.Join(["b", "c"]);
        AssertSet([socket.Id, "a", "b", "c"], socket.Rooms);

        socket.Leave("b");
        AssertSet([socket.Id, "a", "c"], socket.Rooms);
        AssertSet([socket.Id], g.Main.To("a").SocketIds());
    }

    [Fact]
    public async Task A_room_broadcast_reaches_its_members_only()
    {
        await using var g = await StartGroupAsync(3);
        g.Sockets[0].Join("r");
        g.Sockets[1].Join("r");

        await g.Main.To("r").EmitAsync("news", 1);

        await g.ExpectAsync(0, """42["news",1]""");
        await g.ExpectAsync(1, """42["news",1]""");
        await g.ExpectNothingAsync(2);
    }

    [Fact]
    public async Task A_broadcast_to_several_rooms_reaches_a_member_of_both_once()
    {
        await using var g = await StartGroupAsync(3);
        g.Sockets[0].Join(["a", "b"]);
        g.Sockets[1].Join("b");

        await g.Main.To("a").To("b").EmitAsync("news");

        await g.ExpectAsync(0, """42["news"]""");
        await g.ExpectNothingAsync(0);
        await g.ExpectAsync(1, """42["news"]""");
        await g.ExpectNothingAsync(2);
    }

    [Fact]
    public async Task Except_excludes_the_members_of_a_room()
    {
        await using var g = await StartGroupAsync(3);
        g.Sockets[0].Join("muted");
        g.Sockets[1].Join(["r", "muted"]);
        g.Sockets[2].Join("r");

        await g.Main.Except("muted").EmitAsync("all-but-muted");
        await g.Main.To("r").Except("muted").EmitAsync("r-but-muted");

        await g.ExpectNothingAsync(0);
        await g.ExpectNothingAsync(1);
        await g.ExpectAsync(2, """42["all-but-muted"]""");
        await g.ExpectAsync(2, """42["r-but-muted"]""");
    }

    [Fact]
    public async Task The_id_room_addresses_one_socket()
    {
        await using var g = await StartGroupAsync(2);

        await g.Main.To(g.Sockets[1].Id).EmitAsync("private");

        await g.ExpectNothingAsync(0);
        await g.ExpectAsync(1, """42["private"]""");
    }

    [Fact]
    public async Task Socket_broadcast_reaches_everyone_but_the_sender()
    {
        await using var g = await StartGroupAsync(3);

        await g.Sockets[1].Broadcast.EmitAsync("others");

        await g.ExpectAsync(0, """42["others"]""");
        await g.ExpectNothingAsync(1);
        await g.ExpectAsync(2, """42["others"]""");
    }

    [Fact]
    public async Task Socket_to_a_room_excludes_the_sender_even_when_it_is_a_member()
    {
        await using var g = await StartGroupAsync(3);
        foreach (var s in g.Sockets)
            s.Join("r");

        await g.Clients[0].SendAsync("""42["to","r"]""");

        var expected = $"""42["from-socket","{g.Sockets[0].Id}"]""";
        await g.ExpectAsync(1, expected);
        await g.ExpectAsync(2, expected);
        await g.ExpectNothingAsync(0);
    }

    [Fact]
    public async Task Socket_except_excludes_the_sender_and_the_room()
    {
        await using var g = await StartGroupAsync(3);
        g.Sockets[1].Join("muted");

        await g.Sockets[0].Except("muted").EmitAsync("x");

        await g.ExpectNothingAsync(0);
        await g.ExpectNothingAsync(1);
        await g.ExpectAsync(2, """42["x"]""");
    }

    [Fact]
    public async Task Namespace_to_a_room_includes_the_sender_when_it_is_a_member()
    {
        await using var g = await StartGroupAsync(2);
        g.Sockets[0].Join("r");

        await g.Sockets[0].Namespace.To("r").EmitAsync("x");
        await g.Sockets[0].Namespace.In("r").EmitAsync("y");

        await g.ExpectAsync(0, """42["x"]""");
        await g.ExpectAsync(0, """42["y"]""");
        await g.ExpectNothingAsync(1);
    }

    [Fact]
    public async Task A_room_joined_through_an_event_handler_receives_broadcasts()
    {
        await using var g = await StartGroupAsync(2);

        await g.Clients[1].SendAsync("""42["join","lobby"]""");
        await g.ExpectNothingAsync(1);
        await g.Main.To("lobby").EmitAsync("welcome");

        await g.ExpectAsync(1, """42["welcome"]""");
        await g.ExpectNothingAsync(0);
    }

    [Fact]
    public async Task Sockets_join_and_leave_through_the_broadcast_operator()
    {
        await using var g = await StartGroupAsync(3);
        g.Sockets[0].Join("vip");
        g.Sockets[1].Join("vip");

        g.Main.To("vip").SocketsJoin("lounge");
        AssertSet([g.Sockets[0].Id, g.Sockets[1].Id], g.Main.To("lounge").SocketIds());
        Assert.Equal(2, g.Main.To("lounge").Sockets().Count);

        g.Main.To(g.Sockets[0].Id).SocketsLeave("lounge");
        AssertSet([g.Sockets[1].Id], g.Main.To("lounge").SocketIds());
        AssertSet([g.Sockets[1].Id, g.Sockets[2].Id], g.Main.Except(g.Sockets[0].Id).SocketIds());
    }

    [Fact]
    public async Task A_disconnected_socket_leaves_every_room_and_cannot_join_again()
    {
        await using var g = await StartGroupAsync(2);
        var socket = g.Sockets[0];
        var adapter = g.Main.Adapter;
        socket.Join("r");
        var gone = socket.DisconnectedReason();

        await g.Clients[0].SendAsync("41");
        await gone.Within();

        Assert.Empty(socket.Rooms);
        Assert.Empty(g.Main.To("r").SocketIds());
        socket.Join("late");
        Assert.Empty(adapter.SocketRooms(socket.Id));
        Assert.Empty(g.Main.To("late").SocketIds());
        Assert.DoesNotContain(socket.Id, g.Main.SocketIds);
    }

    [Fact]
    public async Task The_adapter_reports_rooms_created_joined_left_and_deleted()
    {
        await using var g = await StartGroupAsync(2);
        var events = new Recorder<string>();
        var adapter = g.Main.Adapter;
        adapter.RoomCreated += room => events.Add("created " + room);
        adapter.Joined += (room, id) => events.Add("joined " + room + " " + (id == g.Sockets[0].Id ? "s0" : "s1"));
        adapter.Left += (room, id) => events.Add("left " + room + " " + (id == g.Sockets[0].Id ? "s0" : "s1"));
        adapter.RoomDeleted += room => events.Add("deleted " + room);

        g.Sockets[0].Join("r");
        g.Sockets[1].Join("r");
        g.Sockets[0].Join("r");
        g.Sockets[0].Leave("r");
        g.Sockets[1].Leave("r");

        Assert.Equal("created r", await events.NextAsync());
        Assert.Equal("joined r s0", await events.NextAsync());
        Assert.Equal("joined r s1", await events.NextAsync());
        Assert.Equal("left r s0", await events.NextAsync());
        Assert.Equal("left r s1", await events.NextAsync());
        Assert.Equal("deleted r", await events.NextAsync());
    }

    [Fact]
    public async Task Rooms_are_per_namespace()
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
        main.Join("r");

        await chat.Namespace.To("r").EmitAsync("chat-r");
        await main.Namespace.To("r").EmitAsync("main-r");

        Assert.Equal("""42["main-r"]""", await client.ReceiveAsync());
        Assert.DoesNotContain("r", chat.Rooms);
    }
}
