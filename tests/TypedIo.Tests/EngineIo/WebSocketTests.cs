using System.Net.WebSockets;
using System.Text;
using TypedIo.EngineIo;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Tests.EngineIo;

public sealed class WebSocketTests
{
    /// <summary>A WebSocket session on a fresh server (the caller disposes the client and the host).</summary>
    private static async Task<(RecordingHandler Handler, TestHost Host, RawWebSocketClient Client, string Sid)> OpenSessionAsync()
    {
        var handler = new RecordingHandler();
        var host = await EioTestUtil.StartAsync(handler);
        var (client, open) = await RawWebSocketClient.HandshakeAsync(host);
        return (handler, host, client, open.GetProperty("sid").GetString()!);
    }

    [Fact]
    public async Task Text_messages_travel_both_ways_in_order()
    {
        var handler = new RecordingHandler(); // echoes
        await using var host = await EioTestUtil.StartAsync(handler);
        var (client, _) = await RawWebSocketClient.HandshakeAsync(host);
        using var _1 = client;

        for (var i = 0; i < 20; i++)
            await client.SendTextAsync("4m" + i + "€");

        for (var i = 0; i < 20; i++)
        {
            var (isBinary, data) = await handler.WaitMessageAsync();
            Assert.False(isBinary);
            Assert.Equal("m" + i + "€", Encoding.UTF8.GetString(data));
        }
        for (var i = 0; i < 20; i++)
            Assert.Equal("4m" + i + "€", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task Binary_travels_both_ways_as_binary_frames()
    {
        var handler = new RecordingHandler(); // echoes
        await using var host = await EioTestUtil.StartAsync(handler);
        var (client, _) = await RawWebSocketClient.HandshakeAsync(host);
        using var _1 = client;
        var payload = new byte[] { 0, 1, 2, 0x34, 0x1e, 255 };

        await client.SendBinaryAsync(payload);

        var (isBinary, data) = await handler.WaitMessageAsync();
        Assert.True(isBinary);
        Assert.Equal(payload, data);
        var echo = await client.ReceiveAsync();
        Assert.Equal(WebSocketMessageType.Binary, echo.Type);
        Assert.Equal(payload, echo.Data);
    }

    [Fact]
    public async Task Base64_binary_packet_over_websocket_is_a_binary_message()
    {
        var handler = new RecordingHandler(echo: false);
        await using var host = await EioTestUtil.StartAsync(handler);
        var (client, _) = await RawWebSocketClient.HandshakeAsync(host);
        using var _1 = client;

        await client.SendTextAsync("bAQID");

        var (isBinary, data) = await handler.WaitMessageAsync();
        Assert.True(isBinary);
        Assert.Equal(new byte[] { 1, 2, 3 }, data);
    }

    [Fact]
    public async Task Client_close_packet_closes_the_session_and_the_socket()
    {
        var (handler, host, client, sid) = await OpenSessionAsync();
        await using var _0 = host;
        using var _1 = client;

        await client.SendTextAsync("1");

        Assert.Equal(EngineIoCloseReasons.TransportClose, await handler.WaitClosedAsync(sid));
        Assert.True((await client.ReceiveAsync()).IsClose);
    }

    [Fact]
    public async Task Client_close_frame_closes_the_session_with_transport_close()
    {
        var (handler, host, client, sid) = await OpenSessionAsync();
        await using var _0 = host;
        using var _1 = client;

        using var cts = new CancellationTokenSource(EioTestUtil.Timeout);
        await client.Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);

        Assert.Equal(EngineIoCloseReasons.TransportClose, await handler.WaitClosedAsync(sid));
        Assert.Equal(WebSocketState.Closed, client.Socket.State);
    }

    [Fact]
    public async Task The_closed_token_is_made_on_demand_and_is_cancelled_by_the_close()
    {
        var (handler, host, client, sid) = await OpenSessionAsync();
        await using var _0 = host;
        using var _1 = client;
        var session = handler.Sessions[sid];
        Assert.False(session.HasClosedToken);

        var closed = session.Closed;
        Assert.True(session.HasClosedToken);
        Assert.False(closed.IsCancellationRequested);

        await client.SendTextAsync("1");
        await handler.WaitClosedAsync(sid);
        Assert.True(closed.IsCancellationRequested);
    }

    [Fact]
    public async Task The_closed_token_asked_for_after_the_close_is_already_cancelled()
    {
        var (handler, host, client, sid) = await OpenSessionAsync();
        await using var _0 = host;
        using var _1 = client;

        await client.SendTextAsync("1");
        await handler.WaitClosedAsync(sid);
        Assert.True(handler.Sessions[sid].Closed.IsCancellationRequested);
    }

    [Fact]
    public async Task A_client_that_never_answers_the_close_frame_is_cut_off()
    {
        var handler = new RecordingHandler();
        await using var host = await EioTestUtil.StartAsync(handler);
        var uri = EioTestUtil.WebSocketUri(host);
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(uri.Host, uri.Port);
        var stream = tcp.GetStream();
        var upgrade = $"GET {uri.PathAndQuery} HTTP/1.1\r\nHost: {uri.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(upgrade));
        var session = await handler.WaitConnectedAsync();

        session.Close();

        // Read all the server sends (the upgrade response, the open packet, the close frame) and never answer: the
        // server gives up on the close handshake and ends the connection.
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            while (await stream.ReadAsync(buffer, timeout.Token) > 0)
            {
            }
        }
        catch (IOException)
        {
            // A reset ends it too.
        }
        Assert.False(timeout.IsCancellationRequested);
    }

    [Fact]
    public async Task Dropped_connection_closes_the_session()
    {
        var handler = new RecordingHandler();
        await using var host = await EioTestUtil.StartAsync(handler);
        var (client, open) = await RawWebSocketClient.HandshakeAsync(host);
        var sid = open.GetProperty("sid").GetString()!;

        client.Socket.Abort();
        client.Dispose();

        Assert.Equal(EngineIoCloseReasons.TransportClose, await handler.WaitClosedAsync(sid));
    }

    [Fact]
    public async Task Server_close_sends_queued_messages_then_closes_the_socket()
    {
        var handler = new RecordingHandler();
        await using var host = await EioTestUtil.StartAsync(handler);
        var (client, _) = await RawWebSocketClient.HandshakeAsync(host);
        using var _1 = client;
        var session = await handler.WaitConnectedAsync();

        session.Send("a");
        session.Send("b");
        session.Close();

        Assert.Equal(["4a", "4b"], await client.ReceiveUntilCloseAsync());
        Assert.Equal(EngineIoCloseReasons.ForcedClose, await handler.WaitClosedAsync(session.Id));
        Assert.False(session.Send("late"));
    }

    [Fact]
    public async Task Session_is_reachable_by_id_while_open_only()
    {
        var handler = new RecordingHandler();
        var server = new EngineIoServer(new EngineIoOptions(), handler);
        await using var host = await TestHost.StartAsync(app => Microsoft.AspNetCore.Builder.EngineIoEndpointRouteBuilderExtensions.MapEngineIo(app, EioTestUtil.Path, server));
        var (client, open) = await RawWebSocketClient.HandshakeAsync(host);
        using var _1 = client;
        var sid = open.GetProperty("sid").GetString()!;
        await handler.WaitConnectedAsync();

        Assert.True(server.TryGetSession(sid, out var session));
        Assert.Equal(1, server.ClientsCount);
        await client.SendTextAsync("1");
        await handler.WaitClosedAsync(sid);
        Assert.False(server.TryGetSession(sid, out _));
        Assert.Equal(0, server.ClientsCount);
        Assert.False(session.IsOpen);
    }
}
