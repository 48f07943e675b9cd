using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TypedIo.SocketIo;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Serves TypedIo's Socket.IO server through endpoint routing.</summary>
public static class TypedIoEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Serves the <see cref="SocketIoServer"/> registered by <c>AddTypedIo()</c> at its configured path
    /// (default <c>/socket.io</c>), serves the hubs registered with <c>AddSocketHub&lt;THub&gt;()</c>, then runs <paramref name="configure"/> to declare namespaces. Chain
    /// <c>RequireCors(...)</c> to allow browsers from other origins. On shutdown every socket is disconnected
    /// with reason <c>server shutting down</c>.
    /// </summary>
    /// <example>
    /// <code>
    /// app.MapTypedIo(io => io.Of("/").OnConnection(socket => socket.On("ping", e => e.Ack("pong"))));
    /// </code>
    /// </example>
    public static IEndpointConventionBuilder MapTypedIo(this IEndpointRouteBuilder endpoints, Action<SocketIoServer>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var io = endpoints.ServiceProvider.GetService<SocketIoServer>()
            ?? throw new InvalidOperationException("Call services.AddTypedIo() before app.MapTypedIo().");
        foreach (var hub in endpoints.ServiceProvider.GetServices<ISocketHubRegistration>())
            hub.Map(io);
        configure?.Invoke(io);
        var endpoint = endpoints.MapEngineIo(io.Options.Path, io.Engine);
        // Registered after the Engine.IO server's own shutdown hook, so it runs first (callbacks run in reverse
        // order): sockets leave with "server shutting down" before their connections close.
        endpoints.ServiceProvider.GetService<IHostApplicationLifetime>()?.ApplicationStopping.Register(io.Close);
        return endpoint;
    }
}
