using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using TypedIo.EngineIo;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Tests.EngineIo;

public sealed class OptionsTests
{
    [Fact]
    public async Task Cookie_option_sets_the_session_cookie_on_the_handshake_only()
    {
        await using var host = await EioTestUtil.StartAsync(new RecordingHandler(), o => o.Cookie = new EngineIoCookieOptions());
        using var http = EioTestUtil.NewHttpClient();

        using var handshake = await http.GetAsync(EioTestUtil.PollingUri(host)).WithTimeout();
        var sid = EioTestUtil.ParseOpen(await handshake.Content.ReadAsStringAsync()).GetProperty("sid").GetString()!;

        var cookie = Assert.Single(handshake.Headers.GetValues("Set-Cookie"));
        var parts = cookie.Split(';', StringSplitOptions.TrimEntries);
        Assert.Equal("io=" + sid, parts[0]);
        Assert.Contains("path=/", parts);
        Assert.Contains("httponly", parts);
        Assert.Contains("samesite=lax", parts);
        Assert.DoesNotContain("secure", parts);

        using var post = await http.PostAsync(EioTestUtil.PollingUri(host, sid), EioTestUtil.Text("4x")).WithTimeout();
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.False(post.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task Cookie_option_honours_name_path_and_flags()
    {
        await using var host = await EioTestUtil.StartAsync(new RecordingHandler(), o => o.Cookie = new EngineIoCookieOptions
        {
            Name = "eio",
            Path = "/app",
            HttpOnly = false,
            SameSite = SameSiteMode.Strict,
            Secure = true,
        });
        using var http = EioTestUtil.NewHttpClient();

        using var handshake = await http.GetAsync(EioTestUtil.PollingUri(host)).WithTimeout();
        var sid = EioTestUtil.ParseOpen(await handshake.Content.ReadAsStringAsync()).GetProperty("sid").GetString()!;

        var parts = Assert.Single(handshake.Headers.GetValues("Set-Cookie")).Split(';', StringSplitOptions.TrimEntries);
        Assert.Equal("eio=" + sid, parts[0]);
        Assert.Contains("path=/app", parts);
        Assert.Contains("samesite=strict", parts);
        Assert.Contains("secure", parts);
        Assert.DoesNotContain("httponly", parts);
    }

    [Fact]
    public async Task No_cookie_by_default()
    {
        await using var host = await EioTestUtil.StartAsync(new RecordingHandler());
        using var http = EioTestUtil.NewHttpClient();
        using var handshake = await http.GetAsync(EioTestUtil.PollingUri(host)).WithTimeout();
        Assert.Equal(HttpStatusCode.OK, handshake.StatusCode);
        Assert.False(handshake.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task Header_hooks_add_headers_to_the_handshake_and_to_every_response()
    {
        await using var host = await EioTestUtil.StartAsync(new RecordingHandler(), o =>
        {
            o.OnInitialHeaders = context => context.Response.Headers["X-Initial"] = "yes";
            o.OnHeaders = context => context.Response.Headers["X-Every"] = context.Request.Method;
        });
        using var http = EioTestUtil.NewHttpClient();

        using var handshake = await http.GetAsync(EioTestUtil.PollingUri(host)).WithTimeout();
        Assert.Equal("yes", Assert.Single(handshake.Headers.GetValues("X-Initial")));
        Assert.Equal("GET", Assert.Single(handshake.Headers.GetValues("X-Every")));
        var sid = EioTestUtil.ParseOpen(await handshake.Content.ReadAsStringAsync()).GetProperty("sid").GetString()!;

        using var post = await http.PostAsync(EioTestUtil.PollingUri(host, sid), EioTestUtil.Text("4x")).WithTimeout();
        Assert.False(post.Headers.Contains("X-Initial"));
        Assert.Equal("POST", Assert.Single(post.Headers.GetValues("X-Every")));

        using var poll = await http.GetAsync(EioTestUtil.PollingUri(host, sid)).WithTimeout();
        Assert.Equal("4x", await poll.Content.ReadAsStringAsync());
        Assert.False(poll.Headers.Contains("X-Initial"));
        Assert.Equal("GET", Assert.Single(poll.Headers.GetValues("X-Every")));
    }

    [Fact]
    public async Task Header_hooks_add_headers_to_the_websocket_handshake()
    {
        await using var host = await EioTestUtil.StartAsync(new RecordingHandler(), o =>
        {
            o.OnInitialHeaders = context => context.Response.Headers["X-Initial"] = "ws";
            o.OnHeaders = context => context.Response.Headers["X-Every"] = "ws";
        });

        using var client = await RawWebSocketClient.ConnectAsync(EioTestUtil.WebSocketUri(host));

        var headers = client.Socket.HttpResponseHeaders!;
        Assert.Equal("ws", Assert.Single(headers["X-Initial"]));
        Assert.Equal("ws", Assert.Single(headers["X-Every"]));
        EioTestUtil.ParseOpen(await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task Allow_request_refusal_gets_403_and_opens_no_session()
    {
        var handler = new RecordingHandler();
        await using var host = await EioTestUtil.StartAsync(handler, o =>
            o.AllowRequest = context => ValueTask.FromResult(context.Request.Query["token"] == "secret"));
        using var http = EioTestUtil.NewHttpClient();

        using var refused = await http.GetAsync(EioTestUtil.PollingUri(host, extraQuery: "token=wrong")).WithTimeout();
        await EioTestUtil.AssertErrorAsync(refused, 4, "Forbidden", HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.Forbidden, await RawWebSocketClient.ConnectExpectingRefusalAsync(EioTestUtil.WebSocketUri(host)));
        Assert.Empty(handler.Sessions);

        using var allowed = await http.GetAsync(EioTestUtil.PollingUri(host, extraQuery: "token=secret")).WithTimeout();
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        var session = await handler.WaitConnectedAsync();
        Assert.Equal("secret", session.Handshake.Query["token"].ToString());
    }

    [Fact]
    public async Task Allow_request_is_asked_for_handshakes_only()
    {
        var calls = 0;
        await using var host = await EioTestUtil.StartAsync(new RecordingHandler(), o => o.AllowRequest = _ =>
        {
            Interlocked.Increment(ref calls);
            return ValueTask.FromResult(true);
        });
        using var client = await RawPollingClient.ConnectAsync(host);
        Assert.Equal(1, Volatile.Read(ref calls));

        await client.PostAsync("4x");
        Assert.Equal(["4x"], await client.PollAsync());
        Assert.Equal(1, Volatile.Read(ref calls));
    }

    [Fact]
    public async Task Named_options_of_the_path_apply_and_the_configure_callback_overrides_them()
    {
        await using var host = await TestHost.StartAsync(
            app => app.MapEngineIo(EioTestUtil.Path, new RecordingHandler(), o => o.PingTimeout = TimeSpan.FromMilliseconds(7000)),
            services => services.Configure<EngineIoOptions>(EioTestUtil.Path, o =>
            {
                o.PingInterval = TimeSpan.FromMilliseconds(12_000);
                o.PingTimeout = TimeSpan.FromMilliseconds(1);
            }));
        using var client = await RawPollingClient.ConnectAsync(host);

        Assert.Equal(12_000, client.Open.GetProperty("pingInterval").GetInt32());
        Assert.Equal(7000, client.Open.GetProperty("pingTimeout").GetInt32());
    }

    public static TheoryData<Action<EngineIoOptions>> InvalidOptions => new()
    {
        o => o.PingInterval = TimeSpan.Zero,
        o => o.PingTimeout = TimeSpan.FromMilliseconds(-1),
        o => o.UpgradeTimeout = TimeSpan.Zero,
        o => o.CloseTimeout = TimeSpan.Zero,
        o => o.MaxHttpBufferSize = 0,
        o => o.MaxQueuedPackets = 0,
        o => o.Transports = [],
        o => o.Transports = ["polling", "flash"],
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Invalid_options_are_refused_when_the_server_is_created(Action<EngineIoOptions> configure)
    {
        var options = new EngineIoOptions();
        configure(options);
        Assert.ThrowsAny<ArgumentException>(() => new EngineIoServer(options, new RecordingHandler()));
    }

    [Fact]
    public void Defaults_are_those_of_node()
    {
        var options = new EngineIoOptions();
        Assert.Equal(TimeSpan.FromSeconds(25), options.PingInterval);
        Assert.Equal(TimeSpan.FromSeconds(20), options.PingTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), options.UpgradeTimeout);
        Assert.Equal(1_000_000, options.MaxHttpBufferSize);
        Assert.Equal(["polling", "websocket"], options.Transports);
        Assert.True(options.AllowUpgrades);
        Assert.Null(options.Cookie);
    }
}
