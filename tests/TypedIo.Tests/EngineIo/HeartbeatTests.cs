using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using TypedIo.EngineIo;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Tests.EngineIo;

public sealed class HeartbeatTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan PingTimeout = TimeSpan.FromMilliseconds(150);

    private static Task<TestHost> StartAsync(RecordingHandler handler) => EioTestUtil.StartAsync(handler, o =>
    {
        o.PingInterval = Interval;
        o.PingTimeout = PingTimeout;
    });

    // The keep-alive tests give the pong a generous timeout: the pings keep coming only because each pong is
    // processed (no new ping goes out while one is unanswered), and a busy test machine must not fail them.
    private static readonly TimeSpan GenerousTimeout = TimeSpan.FromMilliseconds(1000);

    private static Task<TestHost> StartKeepAliveAsync(RecordingHandler handler) => EioTestUtil.StartAsync(handler, o =>
    {
        o.PingInterval = Interval;
        o.PingTimeout = GenerousTimeout;
    });

    [Fact]
    public async Task Polling_pings_at_the_interval_and_pongs_keep_the_session_alive()
    {
        var handler = new RecordingHandler();
        await using var host = await StartKeepAliveAsync(handler);
        var opened = Stopwatch.StartNew();
        using var client = await RawPollingClient.ConnectAsync(host);
        var session = await handler.WaitConnectedAsync();

        var previous = TimeSpan.Zero;
        for (var i = 0; i < 4; i++)
        {
            var packets = await client.PollAsync();
            Assert.True(packets is ["2"], $"ping {i}: got [{string.Join(',', packets)}], session closed by {session.CloseReason}");
            var now = opened.Elapsed;
            Assert.True(now - previous >= Interval - TimeSpan.FromMilliseconds(30), $"ping {i} after {(now - previous).TotalMilliseconds} ms");
            previous = now;
            await client.PostAsync("3");
        }

        Assert.True(session.IsOpen);
    }

    [Fact]
    public async Task WebSocket_pings_at_the_interval_and_pongs_keep_the_session_alive()
    {
        var handler = new RecordingHandler();
        await using var host = await StartKeepAliveAsync(handler);
        var opened = Stopwatch.StartNew();
        var (client, _) = await RawWebSocketClient.HandshakeAsync(host);
        using var _1 = client;
        var session = await handler.WaitConnectedAsync();

        var previous = TimeSpan.Zero;
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal("2", await client.ReceiveTextAsync());
            var now = opened.Elapsed;
            Assert.True(now - previous >= Interval - TimeSpan.FromMilliseconds(30), $"ping {i} after {(now - previous).TotalMilliseconds} ms");
            previous = now;
            await client.SendTextAsync("3");
        }

        Assert.True(session.IsOpen);
    }

    [Fact]
    public async Task Polling_ping_timeout_closes_the_session()
    {
        var handler = new RecordingHandler();
        await using var host = await StartAsync(handler);
        using var client = await RawPollingClient.ConnectAsync(host);
        var session = await handler.WaitConnectedAsync();

        // No pong: polls get the ping, then the close packet. (On a starved machine the ping may not make it out
        // before the deadline; what matters is that the session dies with the ping timeout.)
        var packets = await client.PollUntilAsync(p => p == "1");
        Assert.All(packets[..^1], p => Assert.Equal("2", p));
        Assert.True(packets.Count <= 2, string.Join(',', packets));

        Assert.Equal(EngineIoCloseReasons.PingTimeout, await handler.WaitClosedAsync(session.Id));
        using var after = await client.StartGetAsync().WithTimeout();
        await EioTestUtil.AssertErrorAsync(after, 1, "Session ID unknown");
    }

    [Fact]
    public async Task WebSocket_ping_timeout_closes_the_session_and_the_socket()
    {
        var handler = new RecordingHandler();
        await using var host = await StartAsync(handler);
        var (client, _) = await RawWebSocketClient.HandshakeAsync(host);
        using var _1 = client;
        var session = await handler.WaitConnectedAsync();

        // The ping, unanswered, then the close - and never a second ping.
        var packets = await client.ReceiveUntilCloseAsync();
        Assert.True(packets is ["2"] or [], string.Join(',', packets));

        Assert.Equal(EngineIoCloseReasons.PingTimeout, await handler.WaitClosedAsync(session.Id));
    }

    [Fact]
    public async Task Silent_polling_client_is_closed_without_any_request()
    {
        var handler = new RecordingHandler();
        await using var host = await StartAsync(handler);
        using var client = await RawPollingClient.ConnectAsync(host);
        var session = await handler.WaitConnectedAsync();

        // The client never polls again: the ping waits in the queue and the timer alone closes the session.
        Assert.Equal(EngineIoCloseReasons.PingTimeout, await handler.WaitClosedAsync(session.Id));
    }

    private static async Task<(TestHost Host, ManualTimeProvider Clock)> StartWithManualClockAsync(RecordingHandler handler)
    {
        var clock = new ManualTimeProvider();
        var host = await TestHost.StartAsync(
            app => app.MapEngineIo(EioTestUtil.Path, handler, o =>
            {
                o.PingInterval = Interval;
                o.PingTimeout = PingTimeout;
            }),
            services => services.AddSingleton<TimeProvider>(clock));
        return (host, clock);
    }

    [Fact]
    public async Task Request_after_the_pong_deadline_gets_unknown_sid_even_before_a_timer_tick()
    {
        var handler = new RecordingHandler();
        var (host, clock) = await StartWithManualClockAsync(handler);
        await using var _ = host;
        using var client = await RawPollingClient.ConnectAsync(host);
        var session = await handler.WaitConnectedAsync();

        // The timers of this clock never fire: the poll sends the due ping, and only a request can notice its deadline.
        clock.Advance(Interval);
        Assert.Equal(["2"], await client.PollAsync());
        clock.Advance(PingTimeout + TimeSpan.FromMilliseconds(1));
        Assert.True(session.IsOpen);

        using var response = await client.StartGetAsync().WithTimeout();

        await EioTestUtil.AssertErrorAsync(response, 1, "Session ID unknown");
        Assert.Equal(EngineIoCloseReasons.PingTimeout, await handler.WaitClosedAsync(session.Id));
    }

    [Fact]
    public async Task A_ping_sent_late_by_a_request_leaves_the_client_the_ping_timeout_less_a_tick()
    {
        var handler = new RecordingHandler(echo: false);
        var (host, clock) = await StartWithManualClockAsync(handler);
        await using var _ = host;
        using var client = await RawPollingClient.ConnectAsync(host);
        var session = await handler.WaitConnectedAsync();

        // No tick sent the ping when it was due; the client's poll comes just before due + pingTimeout and sends it.
        clock.Advance(Interval + PingTimeout - TimeSpan.FromMilliseconds(10));
        Assert.Equal(["2"], await client.PollAsync());

        // The pong comes 100 ms after the ping (within pingTimeout), 90 ms after due + pingTimeout: the session stays.
        clock.Advance(TimeSpan.FromMilliseconds(100));
        using (var pong = await client.PostRawAsync("3"))
            Assert.True(pong.IsSuccessStatusCode, $"the pong got {(int)pong.StatusCode}: {await pong.Content.ReadAsStringAsync()}");
        await client.PostAsync("4alive");
        Assert.Equal("alive", System.Text.Encoding.UTF8.GetString((await handler.WaitMessageAsync()).Data));
        Assert.True(session.IsOpen);
    }

    [Fact]
    public async Task A_ping_sent_by_a_late_tick_leaves_the_client_the_ping_timeout_less_a_tick()
    {
        var handler = new RecordingHandler(echo: false);
        var (host, clock) = await StartWithManualClockAsync(handler);
        await using var _ = host;
        var (client, _) = await RawWebSocketClient.HandshakeAsync(host);
        using var _1 = client;
        var session = await handler.WaitConnectedAsync();
        // What a tick of the heartbeat scheduler does for each session, at a moment the test chooses.
        void Tick() => session.CheckHeartbeat(clock.GetTimestamp());

        // The tick that sends the ping comes late, just before due + pingTimeout.
        clock.Advance(Interval + PingTimeout - TimeSpan.FromMilliseconds(10));
        Tick();
        Assert.Equal("2", await client.ReceiveTextAsync());

        // A tick 100 ms after the ping (within pingTimeout, but after due + pingTimeout) keeps the session.
        clock.Advance(TimeSpan.FromMilliseconds(100));
        Tick();
        Assert.True(session.IsOpen, $"closed by {session.CloseReason} 100 ms after its ping");

        await client.SendTextAsync("3");
        await client.SendTextAsync("4alive");
        Assert.Equal("alive", System.Text.Encoding.UTF8.GetString((await handler.WaitMessageAsync()).Data));

        // The next ping is due pingInterval after the pong; unanswered, it closes the session pingTimeout after it was sent.
        clock.Advance(Interval);
        Tick();
        Assert.Equal("2", await client.ReceiveTextAsync());
        clock.Advance(PingTimeout - TimeSpan.FromMilliseconds(1));
        Tick();
        Assert.True(session.IsOpen);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Tick();
        Assert.Equal(EngineIoCloseReasons.PingTimeout, await handler.WaitClosedAsync(session.Id));
    }

    [Fact]
    public async Task Request_sends_a_due_ping_and_the_pong_deadline_counts_from_the_ping()
    {
        var handler = new RecordingHandler(echo: false);
        var (host, clock) = await StartWithManualClockAsync(handler);
        await using var _ = host;
        using var client = await RawPollingClient.ConnectAsync(host);
        var session = await handler.WaitConnectedAsync();

        clock.Advance(Interval + TimeSpan.FromMilliseconds(50));
        Assert.Equal(["2"], await client.PollAsync()); // the ping went out on the request, no timer needed
        await client.PostAsync("3");

        // Past the deadline the first ping had, but that ping was answered: still open.
        clock.Advance(PingTimeout);
        await client.PostAsync("4alive");
        Assert.Equal("alive", System.Text.Encoding.UTF8.GetString((await handler.WaitMessageAsync()).Data));
        Assert.True(session.IsOpen);

        // The second ping is due (the pong came 200 ms ago); without a pong the session dies at its deadline.
        clock.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(["2"], await client.PollAsync());
        clock.Advance(PingTimeout);
        using var late = await client.PostRawAsync("4too late");
        await EioTestUtil.AssertErrorAsync(late, 1, "Session ID unknown");
        Assert.Equal(EngineIoCloseReasons.PingTimeout, await handler.WaitClosedAsync(session.Id));
    }

    [Fact]
    public async Task A_ping_sent_within_a_tick_of_its_due_time_is_judged_from_its_due_time()
    {
        // The official Engine.IO and Socket.IO suites wait exactly pingInterval + pingTimeout after the handshake and
        // expect the session gone, as Node's exact timers make it; a ping sent by the next tick must not add the tick.
        var handler = new RecordingHandler(echo: false);
        var (host, clock) = await StartWithManualClockAsync(handler);
        await using var _ = host;
        using var client = await RawPollingClient.ConnectAsync(host);
        var session = await handler.WaitConnectedAsync();
        var tick = HeartbeatScheduler.TickFor(new EngineIoOptions { PingInterval = Interval, PingTimeout = PingTimeout });
        var late = TimeSpan.FromMilliseconds(Math.Floor(tick.TotalMilliseconds / 2)); // the clock counts whole milliseconds

        clock.Advance(Interval + late);
        Assert.Equal(["2"], await client.PollAsync());

        clock.Advance(PingTimeout - late);
        using var pong = await client.PostRawAsync("3");
        await EioTestUtil.AssertErrorAsync(pong, 1, "Session ID unknown");
        Assert.Equal(EngineIoCloseReasons.PingTimeout, await handler.WaitClosedAsync(session.Id));
    }
}
