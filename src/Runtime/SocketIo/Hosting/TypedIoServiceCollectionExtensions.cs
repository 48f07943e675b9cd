using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TypedIo.SocketIo;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers TypedIo's Socket.IO server.</summary>
public static class TypedIoServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="SocketIoServer"/> as a singleton configured by <see cref="SocketIoOptions"/>
    /// (options pattern: <paramref name="configure"/>, <c>services.Configure&lt;SocketIoOptions&gt;</c>, configuration binding),
    /// and keeps Kestrel's socket transport within the process's open-file limit (<see cref="ConnectionBudgetOptions"/>).
    /// </summary>
    /// <example>
    /// <code>
    /// builder.Services.AddTypedIo(o => o.ConnectTimeout = TimeSpan.FromSeconds(10));
    /// </code>
    /// </example>
    public static IServiceCollection AddTypedIo(this IServiceCollection services, Action<SocketIoOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<SocketIoOptions>();
        if (configure is not null)
            services.Configure(configure);
        services.TryAddEnumerable(ServiceDescriptor.Transient<IPostConfigureOptions<SocketIoOptions>, DetectInlineScheduling>());
        AddConnectionBudget(services);
        services.TryAddSingleton(sp => new SocketIoServer(
            sp.GetRequiredService<IOptions<SocketIoOptions>>().Value,
            sp.GetService<ILoggerFactory>(),
            sp,
            sp.GetService<TimeProvider>()));
        return services;
    }

    // Kestrel's socket transport is replaced by the same transport with a descriptor budget. Registered before
    // UseKestrel (generic host), it also stands: Kestrel adds its transport with TryAdd. Another transport is left alone.
    private static void AddConnectionBudget(IServiceCollection services)
    {
        services.AddOptions<ConnectionBudgetOptions>();
        var transport = services.LastOrDefault(static d => d.ServiceType == typeof(IConnectionListenerFactory));
        if (transport is not null && transport.ImplementationType != typeof(SocketTransportFactory))
            return;
        if (transport is not null)
            services.Remove(transport);
        services.AddSingleton<IConnectionListenerFactory, BudgetedSocketTransportFactory>();
    }
}
