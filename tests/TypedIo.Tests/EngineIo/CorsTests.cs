using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Tests.EngineIo;

public sealed class CorsTests
{
    private const string Allowed = "http://allowed.example";
    private const string Foreign = "http://evil.example";

    private static Task<TestHost> StartWithPolicyAsync(RecordingHandler handler) => TestHost.StartAsync(
        app => app.MapEngineIo(EioTestUtil.Path, handler).RequireCors(p => p.WithOrigins(Allowed).AllowAnyHeader().AllowAnyMethod().AllowCredentials()),
        services => services.AddCors(),
        app => app.UseCors());

    private static async Task<HttpResponseMessage> GetWithOriginAsync(Uri uri, string origin)
    {
        using var http = EioTestUtil.NewHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Add("Origin", origin);
        var response = await http.SendAsync(request).WithTimeout();
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    /// <summary>A WebSocket opening request sent through HttpClient, so a refusal's body can be read.</summary>
    private static async Task<HttpResponseMessage> WebSocketRequestAsync(TestHost host, string? origin, string? sid = null)
    {
        using var http = EioTestUtil.NewHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new UriBuilder(EioTestUtil.WebSocketUri(host, sid)) { Scheme = "http" }.Uri);
        request.Headers.Connection.Add("Upgrade");
        request.Headers.Upgrade.Add(new ProductHeaderValue("websocket"));
        request.Headers.Add("Sec-WebSocket-Version", "13");
        request.Headers.Add("Sec-WebSocket-Key", Convert.ToBase64String(Guid.NewGuid().ToByteArray()));
        if (origin is not null)
            request.Headers.Add("Origin", origin);
        var response = await http.SendAsync(request).WithTimeout();
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    [Fact]
    public async Task Preflight_gets_the_access_control_headers_of_the_policy()
    {
        await using var host = await StartWithPolicyAsync(new RecordingHandler());
        using var http = EioTestUtil.NewHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Options, EioTestUtil.PollingUri(host));
        request.Headers.Add("Origin", Allowed);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "content-type");

        using var response = await http.SendAsync(request).WithTimeout();

        Assert.True(response.IsSuccessStatusCode, response.StatusCode.ToString());
        Assert.Equal(Allowed, Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Contains("POST", string.Join(',', response.Headers.GetValues("Access-Control-Allow-Methods")));
        Assert.Contains("content-type", string.Join(',', response.Headers.GetValues("Access-Control-Allow-Headers")), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("true", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Credentials")));
    }

    [Fact]
    public async Task Polling_from_an_allowed_origin_gets_access_control_allow_origin()
    {
        var handler = new RecordingHandler();
        await using var host = await StartWithPolicyAsync(handler);

        using var handshake = await GetWithOriginAsync(EioTestUtil.PollingUri(host), Allowed);

        Assert.Equal(HttpStatusCode.OK, handshake.StatusCode);
        Assert.Equal(Allowed, Assert.Single(handshake.Headers.GetValues("Access-Control-Allow-Origin")));
        var sid = EioTestUtil.ParseOpen(await handshake.Content.ReadAsStringAsync()).GetProperty("sid").GetString()!;

        using var http = EioTestUtil.NewHttpClient();
        using var post = new HttpRequestMessage(HttpMethod.Post, EioTestUtil.PollingUri(host, sid)) { Content = EioTestUtil.Text("4x") };
        post.Headers.Add("Origin", Allowed);
        using var postResponse = await http.SendAsync(post).WithTimeout();
        Assert.Equal(HttpStatusCode.OK, postResponse.StatusCode);
        Assert.Equal(Allowed, Assert.Single(postResponse.Headers.GetValues("Access-Control-Allow-Origin")));
    }

    [Fact]
    public async Task Polling_from_an_origin_outside_the_policy_gets_no_access_control_allow_origin()
    {
        await using var host = await StartWithPolicyAsync(new RecordingHandler());
        using var response = await GetWithOriginAsync(EioTestUtil.PollingUri(host), Foreign);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Without_cors_a_foreign_origin_gets_no_access_control_allow_origin()
    {
        await using var host = await EioTestUtil.StartAsync(new RecordingHandler());
        using var response = await GetWithOriginAsync(EioTestUtil.PollingUri(host), Foreign);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Without_cors_a_websocket_from_a_foreign_origin_is_refused_with_code_4()
    {
        var handler = new RecordingHandler();
        await using var host = await EioTestUtil.StartAsync(handler);

        using var response = await WebSocketRequestAsync(host, Foreign);
        await EioTestUtil.AssertErrorAsync(response, 4, "Forbidden", HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.Forbidden, await RawWebSocketClient.ConnectExpectingRefusalAsync(EioTestUtil.WebSocketUri(host), Foreign));
        Assert.Empty(handler.Sessions);
    }

    [Fact]
    public async Task Without_cors_an_upgrade_from_a_foreign_origin_is_refused_with_code_4()
    {
        var handler = new RecordingHandler();
        await using var host = await EioTestUtil.StartAsync(handler);
        using var polling = await RawPollingClient.ConnectAsync(host);
        var session = await handler.WaitConnectedAsync();

        using var response = await WebSocketRequestAsync(host, Foreign, polling.Sid);

        await EioTestUtil.AssertErrorAsync(response, 4, "Forbidden", HttpStatusCode.Forbidden);
        Assert.True(session.IsOpen);
        Assert.Equal("polling", session.Transport);
    }

    [Fact]
    public async Task Websocket_without_origin_or_from_the_same_origin_is_accepted()
    {
        await using var host = await EioTestUtil.StartAsync(new RecordingHandler());

        using var noOrigin = await RawWebSocketClient.ConnectAsync(EioTestUtil.WebSocketUri(host));
        EioTestUtil.ParseOpen(await noOrigin.ReceiveTextAsync());

        var sameOrigin = host.BaseAddress.GetLeftPart(UriPartial.Authority);
        using var same = await RawWebSocketClient.ConnectAsync(EioTestUtil.WebSocketUri(host), sameOrigin);
        EioTestUtil.ParseOpen(await same.ReceiveTextAsync());
    }

    [Fact]
    public async Task Websocket_from_an_origin_the_policy_allows_is_accepted_and_others_refused()
    {
        await using var host = await StartWithPolicyAsync(new RecordingHandler());

        using var allowed = await RawWebSocketClient.ConnectAsync(EioTestUtil.WebSocketUri(host), Allowed);
        EioTestUtil.ParseOpen(await allowed.ReceiveTextAsync());

        using var refused = await WebSocketRequestAsync(host, Foreign);
        await EioTestUtil.AssertErrorAsync(refused, 4, "Forbidden", HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Websocket_with_a_named_policy_allowing_the_origin_is_accepted()
    {
        await using var host = await TestHost.StartAsync(
            app => app.MapEngineIo(EioTestUtil.Path, new RecordingHandler()).RequireCors("frontend"),
            services => services.AddCors(o => o.AddPolicy("frontend", p => p.WithOrigins(Allowed))),
            app => app.UseCors());

        using var allowed = await RawWebSocketClient.ConnectAsync(EioTestUtil.WebSocketUri(host), Allowed);
        EioTestUtil.ParseOpen(await allowed.ReceiveTextAsync());
        Assert.Equal(HttpStatusCode.Forbidden, await RawWebSocketClient.ConnectExpectingRefusalAsync(EioTestUtil.WebSocketUri(host), Foreign));
    }

    [Fact]
    public async Task Websocket_with_an_any_origin_policy_is_accepted()
    {
        await using var host = await TestHost.StartAsync(
            app => app.MapEngineIo(EioTestUtil.Path, new RecordingHandler()).RequireCors(p => p.AllowAnyOrigin()),
            services => services.AddCors(),
            app => app.UseCors());

        using var client = await RawWebSocketClient.ConnectAsync(EioTestUtil.WebSocketUri(host), Foreign);
        EioTestUtil.ParseOpen(await client.ReceiveTextAsync());
    }
}
