using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TypedIo;
using TypedIo.SocketIo;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers typed hubs.</summary>
public static class SocketHubServiceCollectionExtensions
{
    /// <summary>
    /// Registers <typeparamref name="THub"/>: <c>MapTypedIo()</c> serves it at its namespace, and its generated
    /// <c>{Hub}Context</c> can be injected to emit from outside the hub.
    /// </summary>
    /// <example>
    /// <code>
    /// builder.Services.AddTypedIo().AddSocketHub&lt;ChatHub&gt;();
    /// app.MapTypedIo();
    /// </code>
    /// </example>
    public static IServiceCollection AddSocketHub<THub>(this IServiceCollection services)
        where THub : SocketHub, IGeneratedSocketHub<THub>, IGeneratedSocketHubServices
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton<ISocketHubRegistration, SocketHubRegistration<THub>>();
        THub.AddServices(services);
        return services;
    }
}

/// <summary>A hub to serve when the server is mapped.</summary>
internal interface ISocketHubRegistration
{
    void Map(SocketIoServer io);
}

internal sealed class SocketHubRegistration<THub> : ISocketHubRegistration
    where THub : SocketHub, IGeneratedSocketHub<THub>
{
    public void Map(SocketIoServer io) => io.MapHub<THub>();
}
