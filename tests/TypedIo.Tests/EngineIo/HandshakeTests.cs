using System.Net;
using System.Net.WebSockets;
using TypedIo.EngineIo;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Tests.EngineIo;

public sealed class HandshakeTests
{
    [Fact]
    public async Task The_handshake_query_outlives_its_request_and_the_next_ones_on_the_connection()
    {
        var handler = new RecordingHandler(echo: false);
        await using var host = await EioTestUtil.StartAsync(handler);
        using var http = EioTestUtil.NewHttpClient();
        using var open = await http.GetAsync(EioTestUtil.PollingUri(host, extraQuery: "room=blue")).WithTimeout();
        var sid = EioTestUtil.ParseOpen(Assert.Single(EioTestUtil.SplitPayload(await open.Content.ReadAsStringAsync()))).GetProperty("sid").GetString()!;

        // Same client, same pooled connection: the server recycles the request objects between these requests.
        for (var i = 0; i < 3; i++)
        {
            using var post = await http.PostAsync(EioTestUtil.PollingUri(host, sid, "room=red"), EioTestUtil.Text("4x")).WithTimeout();
            Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        }

        var session = handler.Sessions[sid];
        Assert.Equal("blue", session.Handshake.Query["room"].ToString());
        Assert.Equal("4", session.Handshake.Query["eio"].ToString());
        Assert.Equal("/engine.io/?EIO=4&transport=polling&room=blue", session.Handshake.Url);
    }

    [Fact]
    public async Task WebSocket_handshake_headers_are_copied_when_first_read_and_outlive_the_connection()
    {
        var handler = new RecordingHandler(echo: false);
        await using var host = await EioTestUtil.StartAsync(handler);
        var client = await RawWebSocketClient.ConnectAsync(EioTestUtil.WebSocketUri(host), headers: new Dictionary<string, string> { ["X-Room"] = "blue" });
        var session = await handler.WaitConnectedAsync();
        Assert.False(session.Handshake.HasHeaderCopy);

        Assert.Equal("blue", session.Handshake.Headers["x-room"].ToString());
        Assert.True(session.Handshake.HasHeaderCopy);

        client.Socket.Abort();
        client.Dispose();
        await handler.WaitClosedAsync(session.Id);
        Assert.Equal("blue", session.Handshake.Headers["X-Room"].ToString());
    }

    [Fact]
    public async Task WebSocket_handshake_headers_never_read_while_connected_are_kept_when_it_ends()
    {
        var handler = new RecordingHandler(echo: false);
        await using var host = await EioTestUtil.StartAsync(handler);
        var (client, open) = await RawWebSocketClient.HandshakeAsync(host);
        var session = await handler.WaitConnectedAsync();
        Assert.False(session.Handshake.HasHeaderCopy);

        await client.SendTextAsync("1");
        await handler.WaitClosedAsync(session.Id);
        Assert.True((await client.ReceiveAsync()).IsClose);
        client.Dispose();

        // The request ends after the close, and the copy is made then: nobody read the headers meanwhile.
        Assert.True(SpinWait.SpinUntil(() => session.Handshake.HasHeaderCopy, EioTestUtil.Timeout));
        Assert.Equal("13", session.Handshake.Headers["Sec-WebSocket-Version"].ToString());
    }

    [Fact]
    public async Task Polling_handshake_returns_the_open_packet()
    {
        var handler = new RecordingHandler();
        await using var host = await EioTestUtil.StartAsync(handler, o =>
        {
            o.PingInterval = TimeSpan.FromMilliseconds(3000);
            o.PingTimeout = TimeSpan.FromMilliseconds(2000);
            o.MaxHttpBufferSize = 5000;
        });
        using var http = EioTestUtil.NewHttpClient();

        using var response = await http.GetAsync(EioTestUtil.PollingUri(host)).WithTimeout();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; charset=UTF-8", response.Content.Headers.ContentType?.ToString());
        var body = await response.Content.ReadAsStringAsync();
        var packet = Assert.Single(EioTestUtil.SplitPayload(body));
        var open = EioTestUtil.ParseOpen(packet);
        Assert.Equal(["sid", "upgrades", "pingInterval", "pingTimeout", "maxPayload"], open.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(["websocket"], EioTestUtil.Upgrades(open));
        Assert.Equal(3000, open.GetProperty("pingInterval").GetInt32());
        Assert.Equal(2000, open.GetProperty("pingTimeout").GetInt32());
        Assert.Equal(5000, open.GetProperty("maxPayload").GetInt32());

        var session = await handler.WaitConnectedAsync();
        Assert.Equal(open.GetProperty("sid").GetString(), session.Id);
        Assert.Equal(EngineIoTransports.Polling, session.Transport);
        Assert.True(session.IsOpen);
        Assert.Equal("4", session.Handshake.Query["EIO"].ToString());
    }

    [Fact]
    public async Task Polling_handshake_offers_no_upgrade_when_upgrades_are_disallowed()
    {
        await using var host = await EioTestUtil.StartAsync(new RecordingHandler(), o => o.AllowUpgrades = false);
        using var client = await RawPollingClient.ConnectAsync(host);
        Assert.Empty(EioTestUtil.Upgrades(client.Open));
    }

    [Fact]
    public async Task Polling_handshake_offers_no_upgrade_when_websocket_is_not_a_transport()
    {
        await using var host = await EioTestUtil.StartAsync(new RecordingHandler(), o => o.Transports = [EngineIoTransports.Polling]);
        using var client = await RawPollingClient.ConnectAsync(host);
        Assert.Empty(EioTestUtil.Upgrades(client.Open));
    }

    [Fact]
    public async Task WebSocket_handshake_sends_the_open_packet_as_first_frame()
    {
        var handler = new RecordingHandler();
        await using var host = await EioTestUtil.StartAsync(handler, o => o.PingInterval = TimeSpan.FromMilliseconds(4000));
        using var client = await RawWebSocketClient.ConnectAsync(EioTestUtil.WebSocketUri(host));

        var first = await client.ReceiveAsync();

        Assert.Equal(WebSocketMessageType.Text, first.Type);
        var open = EioTestUtil.ParseOpen(first.Text);
        Assert.Empty(EioTestUtil.Upgrades(open));
        Assert.Equal(4000, open.GetProperty("pingInterval").GetInt32());
        var session = await handler.WaitConnectedAsync();
        Assert.Equal(open.GetProperty("sid").GetString(), session.Id);
        Assert.Equal(EngineIoTransports.WebSocket, session.Transport);
    }

    [Fact]
    public async Task Polling_handshake_is_refused_when_only_websocket_is_allowed()
    {
        await using var host = await EioTestUtil.StartAsync(new RecordingHandler(), o => o.Transports = [EngineIoTransports.WebSocket]);
        using var http = EioTestUtil.NewHttpClient();
        using var response = await http.GetAsync(EioTestUtil.PollingUri(host)).WithTimeout();
        await EioTestUtil.AssertErrorAsync(response, 0, "Transport unknown");

        // ...while a WebSocket handshake works.
        var (client, open) = await RawWebSocketClient.HandshakeAsync(host);
        using (client)
            Assert.Equal(20, open.GetProperty("sid").GetString()!.Length);
    }

    [Fact]
    public async Task Path_with_trailing_slash_or_without_both_work()
    {
        await using var host = await EioTestUtil.StartAsync(new RecordingHandler());
        using var http = EioTestUtil.NewHttpClient();
        foreach (var path in new[] { "engine.io/?EIO=4&transport=polling", "engine.io?EIO=4&transport=polling" })
        {
            using var response = await http.GetAsync(new Uri(host.BaseAddress, path)).WithTimeout();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            EioTestUtil.ParseOpen(await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Each_handshake_opens_a_distinct_session()
    {
        var handler = new RecordingHandler();
        await using var host = await EioTestUtil.StartAsync(handler);
        using var a = await RawPollingClient.ConnectAsync(host);
        using var b = await RawPollingClient.ConnectAsync(host);
        Assert.NotEqual(a.Sid, b.Sid);
        var first = await handler.WaitConnectedAsync();
        var second = await handler.WaitConnectedAsync();
        Assert.Equal(new[] { a.Sid, b.Sid }.Order(), new[] { first.Id, second.Id }.Order());
    }
}
