using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using TypedIo.EngineIo;
using TypedIo.SocketIo;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Turns on inline scheduling: packets are read and handled on the socket engine's threads, with no thread-pool hop.</summary>
public static class TypedIoInlineSchedulingExtensions
{
    internal const string InlineCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>
    /// Inline scheduling for the whole Kestrel server: Kestrel's <see cref="SocketTransportOptions.UnsafePreferInlineScheduling"/>,
    /// inline socket completions (<c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1</c>, set for this process unless the
    /// environment already sets it) and <see cref="EngineIoOptions.InlineScheduling"/> for TypedIo's servers. A packet is
    /// then read, decoded and handled on the thread that received it, and an answer that can be written at once is
    /// written on it too: less CPU and latency per message, most of all on few cores.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The trade-off: the socket engine's few threads serve every connection, so code that blocks on them stalls every
    /// connection they serve. TypedIo starts each handler on that thread and moves it to the thread pool at its first
    /// <c>await</c> that does not complete at once; the synchronous part of a handler (and of its middleware, filters
    /// and validators) must not block: no <c>Thread.Sleep</c>, <c>.Result</c>, <c>.Wait()</c>, synchronous I/O or long
    /// computation before the first real <c>await</c>, and no <c>ConfigureAwait(false)</c> before such work (it gives
    /// up the move to the thread pool). It applies to every endpoint of the server, not only TypedIo's: Kestrel reads
    /// and runs every request inline.
    /// </para>
    /// <para>
    /// The runtime reads <c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS</c> once, when the process first uses an
    /// asynchronous socket: call this while registering services, before anything opens a connection, or set the
    /// variable in the environment (which always works; a value already there, even <c>0</c>, is left alone).
    /// </para>
    /// </remarks>
    /// <example>
    /// <code>
    /// builder.Services.AddTypedIo().AddTypedIoInlineScheduling();
    /// </code>
    /// </example>
    public static IServiceCollection AddTypedIoInlineScheduling(this IServiceCollection services) =>
        AddTypedIoInlineScheduling(services, Environment.GetEnvironmentVariable, Environment.SetEnvironmentVariable);

    internal static IServiceCollection AddTypedIoInlineScheduling(this IServiceCollection services, Func<string, string?> getVariable, Action<string, string> setVariable)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (getVariable(InlineCompletionsVariable) is null)
            setVariable(InlineCompletionsVariable, "1");
        services.Configure<SocketTransportOptions>(static o => o.UnsafePreferInlineScheduling = true);
        services.PostConfigure<SocketIoOptions>(static o => o.EngineIo.InlineScheduling = true);
        services.PostConfigureAll<EngineIoOptions>(static o => o.InlineScheduling = true);
        return services;
    }
}
