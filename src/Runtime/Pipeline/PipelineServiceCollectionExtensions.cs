using Microsoft.Extensions.DependencyInjection.Extensions;
using System.Diagnostics.CodeAnalysis;
using TypedIo.SocketIo;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the pipeline's pluggable parts.</summary>
public static class SocketPipelineServiceCollectionExtensions
{
    /// <summary>
    /// Registers <typeparamref name="TAuthenticator"/> (scoped: one per socket, from the socket's scope) to make a user
    /// of the CONNECT <c>auth</c> payload when the handshake request is not authenticated. Replaces an earlier one.
    /// </summary>
    public static IServiceCollection AddSocketAuthenticator<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TAuthenticator>(this IServiceCollection services)
        where TAuthenticator : class, ISocketAuthenticator
    {
        ArgumentNullException.ThrowIfNull(services);
        services.RemoveAll<ISocketAuthenticator>();
        services.AddScoped<ISocketAuthenticator, TAuthenticator>();
        return services;
    }
}
