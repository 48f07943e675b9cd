using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TypedIo;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers typed hub filters (<see cref="ISocketHubFilter"/>).</summary>
public static class SocketHubFilterServiceCollectionExtensions
{
    /// <summary>
    /// Adds <typeparamref name="TFilter"/> around every method of every typed hub, after the filters added before it.
    /// The filter is created from the socket's scope (registered as scoped unless already registered).
    /// </summary>
    public static IServiceCollection AddSocketHubFilter<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TFilter>(this IServiceCollection services)
        where TFilter : class, ISocketHubFilter
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddScoped<TFilter>();
        services.Configure<SocketHubFilterOptions>(o => o.Filters.Add(new(null, typeof(TFilter))));
        return services;
    }

    /// <summary>
    /// Adds <typeparamref name="TFilter"/> around every method of <typeparamref name="THub"/>, after the filters of every
    /// hub and the filters of this hub added before it.
    /// </summary>
    public static IServiceCollection AddSocketHubFilter<THub, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TFilter>(this IServiceCollection services)
        where THub : SocketHub
        where TFilter : class, ISocketHubFilter
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddScoped<TFilter>();
        services.Configure<SocketHubFilterOptions>(o => o.Filters.Add(new(typeof(THub), typeof(TFilter))));
        return services;
    }
}
