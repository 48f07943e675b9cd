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
    /// (options pattern: <paramref name="configure"/>, <c>services.Configure&lt;SocketIoOptions&gt;</c>, configuration binding).
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
        services.TryAddSingleton(sp => new SocketIoServer(
            sp.GetRequiredService<IOptions<SocketIoOptions>>().Value,
            sp.GetService<ILoggerFactory>(),
            sp,
            sp.GetService<TimeProvider>()));
        return services;
    }
}
