using TypedIo.SocketIo;

namespace TypedIo.Tests.SocketIo.Utilities;

/// <summary>
/// The adapter's room events with Node's semantics (socket.io-adapter's create-room, join-room, leave-room,
/// delete-room): a socket's own id room is created on connect and deleted on disconnect, leave comes before delete,
/// and repeated joins or leaves of rooms not joined raise nothing.
/// </summary>
public sealed class AdapterRoomEventTests
{
    private static void Record(SocketAdapter adapter, Recorder<string> events, Func<string, string> name)
    {
        adapter.RoomCreated += room => events.Add("create-room " + name(room));
        adapter.Joined += (room, id) => events.Add("join-room " + name(room) + " " + name(id));
        adapter.Left += (room, id) => events.Add("leave-room " + name(room) + " " + name(id));
        adapter.RoomDeleted += room => events.Add("delete-room " + name(room));
    }

    [Fact]
    public async Task A_socket_creates_and_joins_its_own_id_room_before_the_connection_handler_runs_and_deletes_it_on_disconnect()
    {
        var events = new Recorder<string>();
        var sockets = new Recorder<Socket>();
        string? socketId = null;
        string Name(string value) => value == socketId ? "<id>" : value;
        await using var host = await SioTest.StartAsync(io =>
        {
            var chat = io.Of("/chat");
            Record(chat.Adapter, events, v => Name(v));
            chat.Use(async (socket, next) =>
            {
                socketId = socket.Id;
                await next();
            });
            chat.OnConnection(socket =>
            {
                events.Add("connection");
                socket.Join("lobby");
                sockets.Add(socket);
            });
        });
        var (client, sid) = await SioClient.ConnectAndJoinAsync(host, "/chat");
        using (client)
        {
            var socket = await sockets.NextAsync();
            Assert.Equal(sid, socket.Id);

            Assert.Equal("create-room <id>", await events.NextAsync());
            Assert.Equal("join-room <id> <id>", await events.NextAsync());
            Assert.Equal("connection", await events.NextAsync());
            Assert.Equal("create-room lobby", await events.NextAsync());
            Assert.Equal("join-room lobby <id>", await events.NextAsync());

            var gone = socket.DisconnectedReason();
            await client.SendAsync("41/chat,");
            await gone.Within();

            // Every room it was in, each left before it is deleted (the order of rooms is not specified).
            var rest = new List<string>();
            for (var i = 0; i < 4; i++)
                rest.Add(await events.NextAsync());
            Assert.Equal(
                ["delete-room <id>", "delete-room lobby", "leave-room <id> <id>", "leave-room lobby <id>"],
                rest.Order(StringComparer.Ordinal));
            Assert.True(rest.IndexOf("leave-room <id> <id>") < rest.IndexOf("delete-room <id>"));
            Assert.True(rest.IndexOf("leave-room lobby <id>") < rest.IndexOf("delete-room lobby"));
        }
    }

    [Fact]
    public async Task Joining_twice_or_leaving_a_room_not_joined_raises_nothing_and_a_room_is_deleted_after_its_last_leave()
    {
        await using var g = await SocketGroup.StartAsync(2);
        var events = new Recorder<string>();
        var a = g.Sockets[0].Id;
        Record(g.Namespace.Adapter, events, v => v == a ? "a" : v == g.Sockets[1].Id ? "b" : v);

        g.Sockets[0].Join("r");
        g.Sockets[0].Join("r");
        g.Sockets[1].Leave("r");
        g.Sockets[1].Join("r");
        g.Sockets[0].Leave("r");
        g.Sockets[0].Leave("r");
        g.Sockets[1].Leave("r");
        g.Sockets[0].Join("end");

        Assert.Equal("create-room r", await events.NextAsync());
        Assert.Equal("join-room r a", await events.NextAsync());
        Assert.Equal("join-room r b", await events.NextAsync());
        Assert.Equal("leave-room r a", await events.NextAsync());
        Assert.Equal("leave-room r b", await events.NextAsync());
        Assert.Equal("delete-room r", await events.NextAsync());
        Assert.Equal("create-room end", await events.NextAsync());
    }

    [Fact]
    public async Task SocketsJoin_and_SocketsLeave_raise_the_same_events_through_the_adapter()
    {
        await using var g = await SocketGroup.StartAsync(2);
        var events = new Recorder<string>();
        var a = g.Sockets[0].Id;
        Record(g.Namespace.Adapter, events, v => v == a ? "a" : v == g.Sockets[1].Id ? "b" : v);

        g.Namespace.In(a).SocketsJoin(["x", "y"]);
        g.Namespace.In("x").SocketsLeave("x");

        Assert.Equal("create-room x", await events.NextAsync());
        Assert.Equal("join-room x a", await events.NextAsync());
        Assert.Equal("create-room y", await events.NextAsync());
        Assert.Equal("join-room y a", await events.NextAsync());
        Assert.Equal("leave-room x a", await events.NextAsync());
        Assert.Equal("delete-room x", await events.NextAsync());
    }
}
