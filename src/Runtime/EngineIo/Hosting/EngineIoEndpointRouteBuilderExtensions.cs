using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TypedIo.EngineIo;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps a bare Engine.IO v4 server into endpoint routing.</summary>
public static class EngineIoEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Serves Engine.IO at <paramref name="path"/> (with or without trailing slash) for <paramref name="handler"/>.
    /// Options come from <c>services.Configure&lt;EngineIoOptions&gt;(path, ...)</c> (named after the path) and then
    /// <paramref name="configure"/>. Chain <c>RequireCors(...)</c> to allow browsers from other origins.
    /// </summary>
    /// <example>
    /// <code>
    /// app.MapEngineIo("/engine.io", new EchoHandler(), o => o.PingInterval = TimeSpan.FromSeconds(10))
    ///    .RequireCors("frontend");
    /// </code>
    /// </example>
    public static IEndpointConventionBuilder MapEngineIo(this IEndpointRouteBuilder endpoints, string path, IEngineIoHandler handler, Action<EngineIoOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(handler);

        var services = endpoints.ServiceProvider;
        var options = services.GetService<IOptionsFactory<EngineIoOptions>>()?.Create(path) ?? new EngineIoOptions();
        configure?.Invoke(options);
        var server = new EngineIoServer(options, handler, services.GetService<ILoggerFactory>(), services.GetService<TimeProvider>(), services.GetService<IMeterFactory>());
        return endpoints.MapEngineIo(path, server);
    }

    /// <summary>Serves an existing <see cref="EngineIoServer"/> at <paramref name="path"/>.</summary>
    public static IEndpointConventionBuilder MapEngineIo(this IEndpointRouteBuilder endpoints, string path, EngineIoServer server)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(server);

        var lifetime = endpoints.ServiceProvider.GetService<IHostApplicationLifetime>();
        lifetime?.ApplicationStopping.Register(server.CloseAll);
        // Disposing only stops the heartbeat loop; nothing waits for it, so no thread blocks on shutdown.
        lifetime?.ApplicationStopped.Register(() => _ = server.DisposeAsync().AsTask());

        // Our own WebSocket middleware in a branch, so the app needs no UseWebSockets() (as SignalR does it).
        // Engine.IO has its own heartbeat: no WebSocket keep-alive pings.
        var branch = endpoints.CreateApplicationBuilder();
        branch.UseClientFrameChecks(server.Options);
        branch.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
        branch.Run(server.HandleRequestAsync);
        var pipeline = branch.Build();

        var pattern = "/" + path.Trim('/');
        return endpoints.Map(pattern, pipeline).WithDisplayName($"Engine.IO {pattern}");
    }
}
