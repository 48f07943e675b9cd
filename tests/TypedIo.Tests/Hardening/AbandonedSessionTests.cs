using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using TypedIo.EngineIo;
using TypedIo.SocketIo;
using TypedIo.Tests.EngineIo;
using TypedIo.Tests.Infrastructure;
using TypedIo.Tests.SocketIo;

namespace TypedIo.Tests.Hardening;

/// <summary>
/// Every session is forgotten by the server's own clock no later than pingInterval + pingTimeout after its last sign
/// of life, even when a graceful close (whose timeout is longer) is under way.
/// </summary>
public sealed class AbandonedSessionTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan PingTimeout = TimeSpan.FromMilliseconds(150);

    [Fact]
    public async Task A_closing_polling_session_whose_client_is_gone_dies_at_its_pong_deadline_not_at_the_close_timeout()
    {
        var clock = new ManualTimeProvider();
        var handler = new ClosingHandler();
        await using var host = await TestHost.StartAsync(
            app => app.MapEngineIo(EioTestUtil.Path, handler, o =>
            {
                o.PingInterval = Interval;
                o.PingTimeout = PingTimeout;
                o.CloseTimeout = TimeSpan.FromSeconds(30);
            }),
            services => services.AddSingleton<TimeProvider>(clock));
        using var client = await RawPollingClient.ConnectAsync(host);
        var session = await handler.Connected.Task.WithTimeout();
        Assert.Equal(EngineIoSession.SessionState.Closing, session.State);

        // The timers of this clock never fire: the request is what checks the deadlines.
        clock.Advance(Interval + PingTimeout);
        using var response = await client.StartGetAsync().WithTimeout();

        await EioTestUtil.AssertErrorAsync(response, 1, "Session ID unknown");
        Assert.Equal(EngineIoCloseReasons.PingTimeout, session.CloseReason);
    }

    [Theory]
    [InlineData("polling")]
    [InlineData("websocket")]
    public async Task A_socket_io_client_that_completes_the_handshake_and_goes_silent_is_forgotten_by_the_deadline(string transport)
    {
        await using var host = await SioTest.StartAsync(
            _ => { },
            o =>
            {
                o.EngineIo.PingInterval = Interval;
                o.EngineIo.PingTimeout = PingTimeout;
                // As with the defaults (25 s + 20 s = 45 s): the connect timeout lands on the ping deadline.
                o.ConnectTimeout = Interval + PingTimeout;
            });
        var engine = host.Services.GetRequiredService<SocketIoServer>().Engine;
        var watch = Stopwatch.StartNew();
        using var http = EioTestUtil.NewHttpClient();
        string sid;
        RawWebSocketClient? ws = null;
        if (transport == "polling")
        {
            using var open = await http.GetAsync(new Uri(host.BaseAddress, "socket.io/?EIO=4&transport=polling")).WithTimeout();
            sid = EioTestUtil.ParseOpen(await open.Content.ReadAsStringAsync()).GetProperty("sid").GetString()!;
        }
        else
        {
            // Connected and reading nothing: the ping and the close are never answered.
            ws = await RawWebSocketClient.ConnectAsync(new Uri(host.WebSocketAddress, "socket.io/?EIO=4&transport=websocket"));
            sid = EioTestUtil.ParseOpen(await ws.ReceiveTextAsync()).GetProperty("sid").GetString()!;
        }
        using var socket = ws;
        // On a loaded machine this line may run only after the deadline (350 ms here): the session may then be gone
        // already, but never earlier (the watch started before the session existed).
        Assert.True(engine.TryGetSession(sid, out _) || watch.Elapsed >= Interval + PingTimeout, $"forgotten after {watch.Elapsed}");

        await EioTestUtil.WaitUntilAsync(() => !engine.TryGetSession(sid, out _), "the session to be forgotten");

        // The heartbeat ticks every 15 ms here; the close timeout (30 s) is far out of reach.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"forgotten after {watch.Elapsed}");
        using var late = await http.GetAsync(new Uri(host.BaseAddress, $"socket.io/?EIO=4&transport=polling&sid={sid}")).WithTimeout();
        await EioTestUtil.AssertErrorAsync(late, 1, "Session ID unknown");
    }

    private sealed class ClosingHandler : IEngineIoHandler
    {
        public TaskCompletionSource<EngineIoSession> Connected { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ValueTask OnConnectedAsync(EngineIoSession session)
        {
            session.Close();
            Connected.TrySetResult(session);
            return ValueTask.CompletedTask;
        }

        public ValueTask OnMessageAsync(EngineIoSession session, EngineMessage message) => ValueTask.CompletedTask;

        public void OnClosed(EngineIoSession session, string reason)
        {
        }
    }
}
