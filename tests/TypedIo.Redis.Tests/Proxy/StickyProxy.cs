using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Configuration;

namespace TypedIo.Redis.Tests.Proxy;

/// <summary>
/// A YARP reverse proxy in front of several nodes, on a free loopback port: round-robin for new clients and, when
/// <c>sticky</c>, YARP's cookie session affinity (the first response sets <see cref="AffinityCookie"/>, naming the node;
/// later requests carrying it go to that node). WebSocket upgrades are proxied too. The recipe docs/scale-out.md shows.
/// </summary>
public sealed class StickyProxy : IAsyncDisposable
{
    /// <summary>The name of the affinity cookie.</summary>
    public const string AffinityCookie = ".TypedIo.Node";

    private readonly WebApplication _app;

    private StickyProxy(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>The proxy's base address.</summary>
    public string Url { get; }

    /// <summary>Starts the proxy in front of <paramref name="nodes"/> (base addresses).</summary>
    public static async Task<StickyProxy> StartAsync(bool sticky, params string[] nodes)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0));
        var route = new RouteConfig
        {
            RouteId = "socket.io",
            ClusterId = "nodes",
            Match = new RouteMatch { Path = "/socket.io/{**rest}" },
        };
        var cluster = new ClusterConfig
        {
            ClusterId = "nodes",
            LoadBalancingPolicy = "RoundRobin",
            SessionAffinity = sticky
                ? new SessionAffinityConfig
                {
                    Enabled = true,
                    Policy = "Cookie",
                    AffinityKeyName = AffinityCookie,
                    Cookie = new SessionAffinityCookieConfig { HttpOnly = true, SameSite = Microsoft.AspNetCore.Http.SameSiteMode.Lax },
                }
                : null,
            // Long polls wait up to the ping interval (25 s); YARP's default activity timeout is 100 s.
            HttpRequest = new Yarp.ReverseProxy.Forwarder.ForwarderRequestConfig { ActivityTimeout = TimeSpan.FromSeconds(100) },
            Destinations = nodes
                .Select((url, i) => (Key: $"node{i + 1}", Value: new DestinationConfig { Address = url }))
                .ToDictionary(d => d.Key, d => d.Value),
        };
        builder.Services.AddReverseProxy().LoadFromMemory([route], [cluster]);
        var app = builder.Build();
        app.MapReverseProxy();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new StickyProxy(app, address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
