using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using TypedIo.EngineIo;
using Xunit.Abstractions;

namespace TypedIo.Tests.EngineIo;

/// <summary>
/// What one WebSocket handshake allocates on the server, exactly: the Engine.IO endpoint's own middleware (the frame
/// checks, then ASP.NET Core's WebSocket middleware) and the accept, over a request whose upgrade completes at once, on
/// the test's thread. TypedIo's handshake against <c>AcceptWebSocketAsync</c> on the same requests: the difference is
/// the <c>ManagedWebSocket</c> and its wrappers that the transport used to drop.
/// </summary>
public sealed class WebSocketHandshakeAllocationTests(ITestOutputHelper output)
{
    private const int Connects = 500;

    [Fact]
    public void The_handshake_makes_no_WebSocket()
    {
        var ours = PerConnect(context => WebSocketHandshake.AcceptAsync(context, context.Features.Get<IFrameCheckFeature>()!));
        var aspNetCore = PerConnect(context => context.WebSockets.AcceptWebSocketAsync());
        output.WriteLine($"bytes per connect: WebSocketHandshake {ours:F0}, AcceptWebSocketAsync {aspNetCore:F0}");

        // The request's own objects (context, headers, the middleware's features, the checked stream) are in both; the
        // WebSocket, its buffers, locks and the stream ASP.NET Core wraps around the connection only in the second.
        Assert.True(aspNetCore - ours >= 400, $"saves {aspNetCore - ours:F0} B per connect");
        Assert.True(ours < Bound, $"{ours:F0} B per connect");
    }

    /// <summary>
    /// The most TypedIo's handshake may allocate here: the request's features, the checked stream, the accept value, with
    /// a quarter of room for the framework's changes (776 B on ASP.NET Core 10.0.12, where <c>AcceptWebSocketAsync</c>
    /// takes 1,296 B: above the bound).
    /// </summary>
    private const double Bound = 1000;

    /// <summary>Bytes allocated on this thread per connect through the endpoint's middleware and <paramref name="accept"/>.</summary>
    private static double PerConnect(Func<HttpContext, Task> accept)
    {
        using var services = new ServiceCollection().AddLogging().AddOptions().BuildServiceProvider();
        var app = new ApplicationBuilder(services);
        app.UseClientFrameChecks(new EngineIoOptions());
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
        app.Run(context =>
        {
            var accepted = accept(context);
            // Completes at once (the upgrade does), so everything it allocates is on this thread.
            Assert.True(accepted.IsCompletedSuccessfully);
            return accepted;
        });
        var pipeline = app.Build();
        var upgrade = new InstantUpgrade(new MemoryStream());

        for (var i = 0; i < 5; i++)
            Assert.True(pipeline(Request(upgrade)).IsCompletedSuccessfully);
        long allocated = 0;
        for (var i = 0; i < Connects; i++)
        {
            var context = Request(upgrade);
            var before = GC.GetAllocatedBytesForCurrentThread();
            var run = pipeline(context);
            allocated += GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(run.IsCompletedSuccessfully);
        }
        return (double)allocated / Connects;
    }

    /// <summary>A WebSocket upgrade request as Kestrel hands it over, the RFC 6455 sample key in it.</summary>
    private static DefaultHttpContext Request(InstantUpgrade upgrade)
    {
        var context = new DefaultHttpContext();
        context.Features.Set<IHttpUpgradeFeature>(upgrade);
        var request = context.Request;
        request.Method = "GET";
        request.Protocol = "HTTP/1.1";
        request.Path = "/engine.io/";
        request.Headers.Upgrade = "websocket";
        request.Headers.Connection = "Upgrade";
        request.Headers.SecWebSocketKey = "dGhlIHNhbXBsZSBub25jZQ==";
        request.Headers.SecWebSocketVersion = "13";
        _ = context.Response.Headers;
        return context;
    }

    /// <summary>An upgrade that is done at once, over one stream that is never read.</summary>
    private sealed class InstantUpgrade(Stream stream) : IHttpUpgradeFeature
    {
        private readonly Task<Stream> _upgraded = Task.FromResult(stream);

        public bool IsUpgradableRequest => true;

        public Task<Stream> UpgradeAsync() => _upgraded;
    }
}
