using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using TypedIo.Fixture;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Tests.Interop;

/// <summary>
/// The fixture's CORS contract (FIXTURE.md) on the running fixture, with the CORS middleware run only for endpoints
/// that have a policy: without <c>--cors</c> a foreign Origin gets no grant and its WebSocket is refused; with
/// <c>--cors "*"</c> or <c>--cors ORIGIN</c> the grant, the preflight and the WebSocket follow the policy; the official
/// profile allows any origin. And the cut itself: a request to an endpoint without a policy makes no DI scope.
/// </summary>
public sealed class FixtureCorsTests
{
    private const string Allowed = "http://allowed.example";
    private const string Foreign = "http://evil.example";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Without_cors_a_foreign_origin_gets_no_grant_and_its_websocket_is_refused()
    {
        await using var fixture = await FixtureProcess.StartAsync();

        using var handshake = await PollingHandshakeAsync(fixture, Foreign);
        Assert.Equal(HttpStatusCode.OK, handshake.StatusCode);
        Assert.StartsWith("0{", await handshake.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(handshake.Headers.Contains("Access-Control-Allow-Origin"));

        using var preflight = await PreflightAsync(fixture, Foreign);
        Assert.False(preflight.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.False(preflight.Headers.Contains("Access-Control-Allow-Methods"));

        Assert.Equal(HttpStatusCode.Forbidden, await WebSocketRefusalAsync(fixture, Foreign));
        await AssertWebSocketOpensAsync(fixture, origin: null);
        await AssertWebSocketOpensAsync(fixture, fixture.Url);
        Assert.False(fixture.HasExited, fixture.Output);
    }

    [Fact]
    public async Task With_cors_any_every_origin_gets_the_grant_and_its_websocket()
    {
        await using var fixture = await FixtureProcess.StartAsync("--cors", "*");

        using var handshake = await PollingHandshakeAsync(fixture, Foreign);
        Assert.Equal(HttpStatusCode.OK, handshake.StatusCode);
        Assert.Equal("*", Assert.Single(handshake.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.False(handshake.Headers.Contains("Access-Control-Allow-Credentials"));

        using var preflight = await PreflightAsync(fixture, Foreign);
        Assert.Equal(HttpStatusCode.NoContent, preflight.StatusCode);
        Assert.Equal("*", Assert.Single(preflight.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Contains("POST", string.Join(',', preflight.Headers.GetValues("Access-Control-Allow-Methods")));

        await AssertWebSocketOpensAsync(fixture, Foreign);
        Assert.False(fixture.HasExited, fixture.Output);
    }

    [Fact]
    public async Task With_cors_for_one_origin_that_origin_gets_the_grant_with_credentials_and_others_are_refused()
    {
        await using var fixture = await FixtureProcess.StartAsync("--cors", Allowed);

        using var allowed = await PollingHandshakeAsync(fixture, Allowed);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(Allowed, Assert.Single(allowed.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Equal("true", Assert.Single(allowed.Headers.GetValues("Access-Control-Allow-Credentials")));

        using var preflight = await PreflightAsync(fixture, Allowed);
        Assert.Equal(HttpStatusCode.NoContent, preflight.StatusCode);
        Assert.Equal(Allowed, Assert.Single(preflight.Headers.GetValues("Access-Control-Allow-Origin")));

        using var foreign = await PollingHandshakeAsync(fixture, Foreign);
        Assert.False(foreign.Headers.Contains("Access-Control-Allow-Origin"));

        await AssertWebSocketOpensAsync(fixture, Allowed);
        Assert.Equal(HttpStatusCode.Forbidden, await WebSocketRefusalAsync(fixture, Foreign));
        Assert.False(fixture.HasExited, fixture.Output);
    }

    [Fact]
    public async Task The_official_profile_allows_any_origin_on_both_paths()
    {
        await using var fixture = await FixtureProcess.StartAsync("--profile", "official");

        foreach (var path in new[] { "socket.io", "engine.io" })
        {
            using var handshake = await PollingHandshakeAsync(fixture, Foreign, path);
            Assert.Equal(HttpStatusCode.OK, handshake.StatusCode);
            Assert.Equal("*", Assert.Single(handshake.Headers.GetValues("Access-Control-Allow-Origin")));
            await AssertWebSocketOpensAsync(fixture, Foreign, path);
        }
        Assert.False(fixture.HasExited, fixture.Output);
    }

    [Fact]
    public async Task A_request_to_an_endpoint_without_a_policy_makes_no_request_scope()
    {
        var reads = new RequestServicesReads();
        await using var host = await TestHost.StartAsync(
            endpoints =>
            {
                endpoints.MapGet("/plain", context => context.Response.WriteAsync("plain"));
                endpoints.MapGet("/cors", context => context.Response.WriteAsync("cors")).RequireCors("any");
            },
            services => services.AddCors(cors => cors.AddPolicy("any", policy => policy.AllowAnyOrigin())),
            app =>
            {
                var scopes = app.Services.GetRequiredService<IServiceScopeFactory>();
                app.Use((context, next) =>
                {
                    // The request's own feature is made on the first read of RequestServices: this one takes its place.
                    var inner = new RequestServicesFeature(context, scopes);
                    context.Response.RegisterForDisposeAsync(inner);
                    context.Features.Set<IServiceProvidersFeature>(new CountingServiceProviders(inner, reads, context.Request.Path));
                    return next(context);
                });
                app.UseCorsWhereAPolicyApplies();
            });
        using var http = new HttpClient { BaseAddress = host.BaseAddress, Timeout = Timeout };

        using var plain = await SendWithOriginAsync(http, "plain");
        using var cors = await SendWithOriginAsync(http, "cors");

        Assert.Equal("plain", await plain.Content.ReadAsStringAsync());
        Assert.False(plain.Headers.Contains("Access-Control-Allow-Origin"));
        // UseCors() for every request resolved the middleware's ICorsPolicyProvider here, which makes the DI scope.
        Assert.Equal(0, reads.Of("/plain"));
        Assert.True(cors.Headers.Contains("Access-Control-Allow-Origin"), $"{cors.StatusCode} {cors.Headers} {await cors.Content.ReadAsStringAsync()}");
        Assert.Equal("*", Assert.Single(cors.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.True(reads.Of("/cors") > 0);

        static Task<HttpResponseMessage> SendWithOriginAsync(HttpClient http, string path)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("Origin", Foreign);
            return http.SendAsync(request);
        }
    }

    private static async Task<HttpResponseMessage> PollingHandshakeAsync(FixtureProcess fixture, string origin, string path = "socket.io")
    {
        using var http = new HttpClient { Timeout = Timeout };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{fixture.Url}/{path}/?EIO=4&transport=polling");
        request.Headers.Add("Origin", origin);
        var response = await http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    private static async Task<HttpResponseMessage> PreflightAsync(FixtureProcess fixture, string origin)
    {
        using var http = new HttpClient { Timeout = Timeout };
        using var request = new HttpRequestMessage(HttpMethod.Options, $"{fixture.Url}/socket.io/?EIO=4&transport=polling");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "content-type");
        var response = await http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    private static Uri WebSocketUri(FixtureProcess fixture, string path) =>
        new($"ws://127.0.0.1:{fixture.Port}/{path}/?EIO=4&transport=websocket");

    private static async Task AssertWebSocketOpensAsync(FixtureProcess fixture, string? origin, string path = "socket.io")
    {
        using var socket = new ClientWebSocket();
        if (origin is not null)
            socket.Options.SetRequestHeader("Origin", origin);
        using var cts = new CancellationTokenSource(Timeout);
        await socket.ConnectAsync(WebSocketUri(fixture, path), cts.Token);
        var buffer = new byte[1024];
        var received = await socket.ReceiveAsync(buffer, cts.Token);
        Assert.Equal(WebSocketMessageType.Text, received.MessageType);
        Assert.StartsWith("0{\"sid\":", System.Text.Encoding.UTF8.GetString(buffer, 0, received.Count), StringComparison.Ordinal);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);
    }

    private static async Task<HttpStatusCode> WebSocketRefusalAsync(FixtureProcess fixture, string origin)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("Origin", origin);
        using var cts = new CancellationTokenSource(Timeout);
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(WebSocketUri(fixture, "socket.io"), cts.Token));
        return socket.HttpStatusCode;
    }

    private sealed class RequestServicesReads
    {
        private readonly Dictionary<string, int> _byPath = new(StringComparer.Ordinal);

        public void Add(string path)
        {
            lock (_byPath)
                _byPath[path] = Of(path) + 1;
        }

        public int Of(string path)
        {
            lock (_byPath)
                return _byPath.GetValueOrDefault(path);
        }
    }

    /// <summary>Counts the reads of <c>HttpContext.RequestServices</c>: the first one of a request makes its DI scope.</summary>
    private sealed class CountingServiceProviders(IServiceProvidersFeature inner, RequestServicesReads reads, PathString path) : IServiceProvidersFeature
    {
        public IServiceProvider RequestServices
        {
            get
            {
                reads.Add(path.Value!);
                return inner.RequestServices;
            }
            set => inner.RequestServices = value;
        }
    }
}
