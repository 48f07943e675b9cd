using TypedIo.SocketIo;

namespace TypedIo.Tests.SocketIo;

/// <summary>Several namespaces multiplexed on one Engine.IO connection.</summary>
public sealed class NamespaceTests
{
    private static Task<Infrastructure.TestHost> StartTwoNamespacesAsync(Recorder<Socket> sockets) =>
        SioTest.StartAsync(io =>
        {
            foreach (var name in new[] { "/", "/chat" })
            {
                io.Of(name).OnConnection(socket =>
                {
                    socket.On("which", e => socket.EmitAsync("ns", socket.Namespace.Name));
                    socket.On("echo", e => socket.EmitAsync("echo", e.Args.ToEmitArgs()));
                    sockets.Add(socket);
                });
            }
        });

    [Fact]
    public async Task Sockets_of_two_namespaces_share_one_connection_and_events_go_to_their_own_namespace()
    {
        var sockets = new Recorder<Socket>();
        await using var host = await StartTwoNamespacesAsync(sockets);
        using var client = await SioClient.ConnectAsync(host);

        var mainSid = await client.JoinAsync("/");
        var main = await sockets.NextAsync();
        var chatSid = await client.JoinAsync("/chat");
        var chat = await sockets.NextAsync();

        Assert.NotEqual(mainSid, chatSid);
        Assert.Equal(mainSid, main.Id);
        Assert.Equal(chatSid, chat.Id);
        Assert.Same(main.Connection, chat.Connection);
        Assert.Equal(client.EngineSid, chat.Connection.Id);

        await client.SendAsync("""42/chat,["which"]""");
        Assert.Equal("""42/chat,["ns","/chat"]""", await client.ReceiveAsync());
        await client.SendAsync("""42["which"]""");
        Assert.Equal("""42["ns","/"]""", await client.ReceiveAsync());
    }

    [Fact]
    public async Task Disconnect_of_one_namespace_leaves_the_other_working()
    {
        var sockets = new Recorder<Socket>();
        await using var host = await StartTwoNamespacesAsync(sockets);
        using var client = await SioClient.ConnectAsync(host);
        await client.JoinAsync("/");
        var main = await sockets.NextAsync();
        await client.JoinAsync("/chat");
        var chat = await sockets.NextAsync();
        var chatReason = chat.DisconnectedReason();

        await client.SendAsync("41/chat,");

        Assert.Equal(SocketDisconnectReasons.ClientNamespaceDisconnect, await chatReason.Within());
        Assert.False(chat.Connected);
        Assert.Equal(0, chat.Namespace.SocketCount);
        Assert.True(main.Connected);
        Assert.True(main.Connection.IsOpen);
        await client.AssertEchoAsync();
    }

    [Fact]
    public async Task A_namespace_left_by_the_client_can_be_joined_again_with_a_new_socket()
    {
        var sockets = new Recorder<Socket>();
        await using var host = await StartTwoNamespacesAsync(sockets);
        using var client = await SioClient.ConnectAsync(host);
        await client.JoinAsync("/");
        var first = await client.JoinAsync("/chat");
        await sockets.NextAsync();
        var firstSocket = await sockets.NextAsync();
        var left = firstSocket.DisconnectedReason();

        await client.SendAsync("41/chat,");
        await left.Within();
        var second = await client.JoinAsync("/chat");

        Assert.NotEqual(first, second);
        await client.SendAsync("""42/chat,["echo","again"]""");
        Assert.Equal("""42/chat,["echo","again"]""", await client.ReceiveAsync());
    }

    [Fact]
    public async Task Leaving_the_main_namespace_keeps_the_connection_for_others()
    {
        var sockets = new Recorder<Socket>();
        await using var host = await StartTwoNamespacesAsync(sockets);
        using var client = await SioClient.ConnectAsync(host);
        await client.JoinAsync("/chat");
        var chat = await sockets.NextAsync();
        await client.JoinAsync("/");
        var main = await sockets.NextAsync();
        var mainReason = main.DisconnectedReason();

        await client.SendAsync("41");

        Assert.Equal(SocketDisconnectReasons.ClientNamespaceDisconnect, await mainReason.Within());
        Assert.True(chat.Connected);
        await client.SendAsync("""42/chat,["which"]""");
        Assert.Equal("""42/chat,["ns","/chat"]""", await client.ReceiveAsync());
    }

    [Fact]
    public async Task Handlers_of_one_namespace_do_not_see_events_of_another()
    {
        var mainEvents = new Recorder<string>();
        await using var host = await SioTest.StartAsync(io =>
        {
            io.Of("/").OnConnection(socket => socket.OnAny(e =>
            {
                mainEvents.Add(e.Name);
                return ValueTask.CompletedTask;
            }));
            io.Of("/chat").OnConnection(socket => socket.On("ping", e => socket.EmitAsync("pong")));
        });
        using var client = await SioClient.ConnectAsync(host);
        await client.JoinAsync("/");
        await client.JoinAsync("/chat");

        await client.SendAsync("""42/chat,["ping"]""");
        Assert.Equal("""42/chat,["pong"]""", await client.ReceiveAsync());
        await client.SendAsync("""42["main-only"]""");

        Assert.Equal("main-only", await mainEvents.NextAsync());
    }
}
