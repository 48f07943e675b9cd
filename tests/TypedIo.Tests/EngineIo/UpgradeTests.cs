using System.Net;
using System.Text;
using TypedIo.EngineIo;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Tests.EngineIo;

public sealed class UpgradeTests
{
    /// <summary>Sends "s0", "s1", ... to a session; the numbering is the send order.</summary>
    private sealed class NumberedSender(EngineIoSession session)
    {
        private readonly object _gate = new();
        private int _next;

        public int Sent { get { lock (_gate) return _next; } }

        public void Send(int count = 1)
        {
            for (var i = 0; i < count; i++)
            {
                lock (_gate)
                {
                    Assert.True(session.Send("s" + _next), "send failed");
                    _next++;
                }
            }
        }

        /// <summary>Sends continuously until <paramref name="stop"/>; paced by a 1 ms timer so the queue stays small.</summary>
        public async Task RunAsync(CancellationToken stop)
        {
            using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(1));
            try
            {
                while (await pace.WaitForNextTickAsync(stop))
                    Send();
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    [Fact]
    public async Task Upgrade_loses_duplicates_and_reorders_nothing_with_traffic_both_ways()
    {
        var handler = new RecordingHandler(echo: false);
        await using var host = await EioTestUtil.StartAsync(handler);
        using var polling = await RawPollingClient.ConnectAsync(host);
        var session = await handler.WaitConnectedAsync();
        var sender = new NumberedSender(session);
        using var stopSending = new CancellationTokenSource();
        var background = sender.RunAsync(stopSending.Token);

        // The client polls continuously, as engine.io-client does, until told to pause.
        var polled = new List<string>();
        var pause = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var pollLoop = Task.Run(async () =>
        {
            while (!pause.Task.IsCompleted)
                polled.AddRange(await polling.PollAsync());
        });

        sender.Send(5);
        var clientSent = 0;
        async Task PostNumbered(int count)
        {
            for (var i = 0; i < count; i++)
                await polling.PostAsync("4c" + clientSent++);
        }
        await PostNumbered(5);

        using var ws = await RawWebSocketClient.ConnectAsync(EioTestUtil.WebSocketUri(host, polling.Sid));
        await ws.SendTextAsync("2probe");
        sender.Send(5);
        await PostNumbered(5); // still over polling while the probe runs
        Assert.Equal("3probe", await ws.ReceiveTextAsync());
        sender.Send(5);

        // Pause polling: the pending poll must end (with a noop) now that the probe succeeded.
        pause.SetResult();
        await pollLoop.WithTimeout();
        sender.Send(5); // queued while neither transport reads

        await ws.SendTextAsync("5");
        sender.Send(5);
        for (var i = 0; i < 10; i++)
            await ws.SendTextAsync("4c" + clientSent++);

        // Every client message arrived once, in order, over both transports.
        for (var i = 0; i < clientSent; i++)
        {
            var (isBinary, data) = await handler.WaitMessageAsync();
            Assert.False(isBinary);
            Assert.Equal("c" + i, Encoding.UTF8.GetString(data));
        }
        Assert.Equal(EngineIoTransports.WebSocket, session.Transport);

        // Stop the server's stream and collect the rest from the WebSocket.
        await stopSending.CancelAsync();
        await background.WithTimeout();
        sender.Send(5);
        var last = "4s" + (sender.Sent - 1);
        var overWebSocket = new List<string>();
        while (overWebSocket.Count == 0 || overWebSocket[^1] != last)
            overWebSocket.Add(await ws.ReceiveTextAsync());

        var polledMessages = polled.Where(p => p.StartsWith('4')).ToList();
        var wsMessages = overWebSocket.Where(p => p.StartsWith('4')).ToList();
        Assert.All(polled, p => Assert.True(p.StartsWith('4') || p == "6", $"unexpected polling packet {p}"));
        Assert.All(overWebSocket, p => Assert.True(p.StartsWith('4') || p == "6", $"unexpected websocket packet {p}"));
        Assert.NotEmpty(polledMessages);
        Assert.NotEmpty(wsMessages);
        Assert.Equal(Enumerable.Range(0, sender.Sent).Select(i => "4s" + i), polledMessages.Concat(wsMessages));
        Assert.True(session.IsOpen);
    }

    [Fact]
    public async Task Probe_answers_the_pending_poll_with_noop_and_upgrade_packet_switches_transport()
    {
        var handler = new RecordingHandler();
        await using var host = await EioTestUtil.StartAsync(handler);
        using var polling = await RawPollingClient.ConnectAsync(host);
        var session = await handler.WaitConnectedAsync();

        var pending = polling.PollAsync();
        await PollingTests.WaitForPendingPollAsync(session);
        using var ws = await RawWebSocketClient.ConnectAsync(EioTestUtil.WebSocketUri(host, polling.Sid));
        await ws.SendTextAsync("2probe");
        Assert.Equal("3probe", await ws.ReceiveTextAsync());

        Assert.Equal(["6"], await pending.WithTimeout());
        Assert.Equal(EngineIoTransports.Polling, session.Transport);

        await ws.SendTextAsync("5");
        await ws.SendTextAsync("4after");
        Assert.Equal("4after", await ws.ReceiveTextAsync()); // echoed over the new transport
        Assert.Equal(EngineIoTransports.WebSocket, session.Transport);
        Assert.True(session.IsOpen);
    }

    [Fact]
    public async Task After_upgrade_polling_is_refused_and_a_second_websocket_is_closed()
    {
        var handler = new RecordingHandler();
        await using var host = await EioTestUtil.StartAsync(handler);
        using var polling = await RawPollingClient.ConnectAsync(host);
        var session = await handler.WaitConnectedAsync();
        using var ws = await UpgradeAsync(host, polling.Sid);

        using var get = await polling.StartGetAsync().WithTimeout();
        await EioTestUtil.AssertErrorAsync(get, 3, "Bad request");
        using var post = await polling.PostRawAsync("4x");
        await EioTestUtil.AssertErrorAsync(post, 3, "Bad request");

        using var second = await RawWebSocketClient.ConnectAsync(EioTestUtil.WebSocketUri(host, polling.Sid));
        Assert.True((await second.ReceiveAsync()).IsClose);

        // The upgraded session is untouched by both.
        await ws.SendTextAsync("4still here");
        Assert.Equal("4still here", await ws.ReceiveTextAsync());
        Assert.True(session.IsOpen);
    }

    [Fact]
    public async Task Second_websocket_during_a_probe_is_closed()
    {
        var handler = new RecordingHandler();
        await using var host = await EioTestUtil.StartAsync(handler);
        using var polling = await RawPollingClient.ConnectAsync(host);
        await handler.WaitConnectedAsync();
        using var probe = await RawWebSocketClient.ConnectAsync(EioTestUtil.WebSocketUri(host, polling.Sid));
        await probe.SendTextAsync("2probe");
        Assert.Equal("3probe", await probe.ReceiveTextAsync());

        using var second = await RawWebSocketClient.ConnectAsync(EioTestUtil.WebSocketUri(host, polling.Sid));
        Assert.True((await second.ReceiveAsync()).IsClose);

        await probe.SendTextAsync("5");
        await probe.SendTextAsync("4ok");
        Assert.Equal("4ok", await probe.ReceiveTextAsync());
    }

    [Fact]
    public async Task Upgrade_timeout_closes_the_probe_socket_and_the_session_stays_on_polling()
    {
        var handler = new RecordingHandler();
        await using var host = await EioTestUtil.StartAsync(handler, o => o.UpgradeTimeout = TimeSpan.FromMilliseconds(800));
        using var polling = await RawPollingClient.ConnectAsync(host);
        var session = await handler.WaitConnectedAsync();
        using var probe = await RawWebSocketClient.ConnectAsync(EioTestUtil.WebSocketUri(host, polling.Sid));
        await probe.SendTextAsync("2probe");
        Assert.Equal("3probe", await probe.ReceiveTextAsync());

        // The client never sends "5".
        Assert.True((await probe.ReceiveAsync(TimeSpan.FromSeconds(3))).IsClose);

        Assert.True(session.IsOpen);
        Assert.Equal(EngineIoTransports.Polling, session.Transport);
        await polling.PostAsync("4still polling");
        var packets = await polling.PollUntilAsync(p => p == "4still polling");
        Assert.All(packets, p => Assert.True(p is "6" or "4still polling", p));

        // And a later upgrade can still succeed once the server has dropped the failed one (the client may see the
        // probe socket go down a moment before that).
        await EioTestUtil.WaitUntilAsync(() => !session.IsProbed, "the failed upgrade to be cancelled");
        using var ws = await UpgradeAsync(host, polling.Sid);
        Assert.Equal(EngineIoTransports.WebSocket, session.Transport);
    }

    [Fact]
    public async Task Failed_probe_closes_the_probe_socket_and_the_session_stays_on_polling()
    {
        var handler = new RecordingHandler();
        await using var host = await EioTestUtil.StartAsync(handler);
        using var polling = await RawPollingClient.ConnectAsync(host);
        var session = await handler.WaitConnectedAsync();
        using var probe = await RawWebSocketClient.ConnectAsync(EioTestUtil.WebSocketUri(host, polling.Sid));

        await probe.SendTextAsync("4not a probe");

        Assert.True((await probe.ReceiveAsync()).IsClose);
        Assert.True(session.IsOpen);
        await polling.PostAsync("4echo");
        Assert.Contains("4echo", await polling.PollUntilAsync(p => p == "4echo"));
    }

    [Fact]
    public async Task Upgrade_is_refused_when_upgrades_are_disallowed()
    {
        var handler = new RecordingHandler();
        await using var host = await EioTestUtil.StartAsync(handler, o => o.AllowUpgrades = false);
        using var polling = await RawPollingClient.ConnectAsync(host);
        var session = await handler.WaitConnectedAsync();

        Assert.Equal(HttpStatusCode.BadRequest, await RawWebSocketClient.ConnectExpectingRefusalAsync(EioTestUtil.WebSocketUri(host, polling.Sid)));
        Assert.True(session.IsOpen);
    }

    [Fact]
    public async Task Upgrade_with_unknown_sid_is_refused()
    {
        await using var host = await EioTestUtil.StartAsync(new RecordingHandler());
        Assert.Equal(HttpStatusCode.BadRequest, await RawWebSocketClient.ConnectExpectingRefusalAsync(EioTestUtil.WebSocketUri(host, "AAAAAAAAAAAAAAAAAAAA")));
    }

    /// <summary>Upgrades the polling session <paramref name="sid"/> (no poll pending) and returns the WebSocket.</summary>
    internal static async Task<RawWebSocketClient> UpgradeAsync(TestHost host, string sid)
    {
        var ws = await RawWebSocketClient.ConnectAsync(EioTestUtil.WebSocketUri(host, sid));
        await ws.SendTextAsync("2probe");
        Assert.Equal("3probe", await ws.ReceiveTextAsync());
        await ws.SendTextAsync("5");
        // Round trip through the echo so the switch is known to be done.
        await ws.SendTextAsync("4upgraded");
        Assert.Equal("4upgraded", await ws.ReceiveTextAsync());
        return ws;
    }
}
