using System.Text.Json;
using TypedIo.Redis.Tests.Infrastructure;
using TypedIo.Redis.Tests.Interop.Cluster;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Redis.Tests.Proxy;

/// <summary>Two nodes on one Redis behind YARP proxies: one with cookie session affinity, one without (the control).</summary>
public abstract class ProxiedCluster(NodeKind kind) : IAsyncLifetime
{
    private RedisServer? _redis;
    private ClusterNode? _first;
    private ClusterNode? _second;

    /// <summary>The cookie-sticky proxy.</summary>
    public StickyProxy Sticky { get; private set; } = null!;

    /// <summary>A round-robin proxy without affinity.</summary>
    public StickyProxy RoundRobin { get; private set; } = null!;

    /// <summary>The names of the nodes.</summary>
    public string[] NodeNames => [_first!.Name, _second!.Name];

    /// <summary>Both nodes' output, for failure messages.</summary>
    public string Output => $"{_first?.Output}\n{_second?.Output}";

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        var first = ClusterNode.StartAsync(kind, "lb-1", _redis.Endpoint);
        var second = ClusterNode.StartAsync(kind, "lb-2", _redis.Endpoint);
        try
        {
            _first = await first;
        }
        finally
        {
            _second = await second;
        }
        Sticky = await StickyProxy.StartAsync(sticky: true, _first.Url, _second!.Url);
        RoundRobin = await StickyProxy.StartAsync(sticky: false, _first.Url, _second.Url);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (Sticky is not null)
            await Sticky.DisposeAsync();
        if (RoundRobin is not null)
            await RoundRobin.DisposeAsync();
        if (_first is not null)
            await _first.DisposeAsync();
        if (_second is not null)
            await _second.DisposeAsync();
        if (_redis is not null)
            await _redis.DisposeAsync();
    }
}

/// <summary>
/// Several nodes behind a load balancer (docs/scale-out.md): long-polling needs every request of a session on the
/// node that holds it. Clients through the cookie-sticky YARP proxy are spread over both nodes, stay on theirs while
/// polling and while upgrading, and broadcasts cross the nodes through Redis; without affinity polling breaks.
/// </summary>
public abstract class LoadBalancerTests(ProxiedCluster cluster)
{
    [Theory]
    [InlineData("polling")]
    [InlineData("upgrade")]
    public async Task Clients_behind_a_cookie_sticky_proxy_stay_on_their_node_and_get_broadcasts_from_the_other(string mode)
    {
        await using var script = NodeScript.Start("cluster/behind-proxy.mjs", cluster.Sticky.Url, mode, "6");
        JsonElement result;
        try
        {
            await script.WaitForSuccessAsync(TimeSpan.FromSeconds(60));
            result = await script.WaitForEventAsync("result");
        }
        catch (NodeScriptException ex)
        {
            throw new NodeScriptException($"{ex.Message}\n{cluster.Output}");
        }
        var nodes = result.GetProperty("nodes").EnumerateArray().Select(n => n.GetString()).ToArray();
        Assert.Equal(cluster.NodeNames.Order(), nodes.Distinct().Order());
        Assert.All(result.GetProperty("echoes").EnumerateArray(), ok => Assert.True(ok.GetBoolean()));
        var transport = mode == "polling" ? "polling" : "websocket";
        Assert.All(result.GetProperty("transports").EnumerateArray(), t => Assert.Equal(transport, t.GetString()));
        var broadcasts = result.GetProperty("broadcasts").EnumerateArray().ToArray();
        Assert.Equal(5, broadcasts.Length);
        Assert.All(broadcasts, b => Assert.Equal("""[{"from":"c0","bin":{"$bin":"AQ=="}}]""", b.GetRawText()));
    }

    [Fact]
    public async Task Polling_through_a_proxy_without_affinity_fails()
    {
        await using var script = NodeScript.Start("cluster/behind-proxy.mjs", cluster.RoundRobin.Url, "polling", "1");
        Assert.Equal(1, await script.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("connect_error", script.EventsNamed("error").Single().GetProperty("message").GetString());
    }
}

/// <summary>Two TypedIo nodes behind the proxies.</summary>
public sealed class TypedIoProxiedCluster() : ProxiedCluster(NodeKind.TypedIo);

/// <summary>Two TypedIo nodes behind YARP.</summary>
public sealed class TypedIoBehindProxyTests(TypedIoProxiedCluster cluster) : LoadBalancerTests(cluster), IClassFixture<TypedIoProxiedCluster>;
