using System.Text.RegularExpressions;
using TypedIo.SocketIo;

namespace TypedIo;

/// <summary>Serves typed hubs on a server.</summary>
public static class SocketHubMappingExtensions
{
    /// <summary>
    /// Serves <typeparamref name="THub"/> at the namespace (or namespace pattern) of its <see cref="SocketHubAttribute"/>:
    /// each socket that joins gets its own hub instance. Middleware added to the namespace runs first.
    /// </summary>
    public static SocketIoServer MapHub<THub>(this SocketIoServer io)
        where THub : SocketHub, IGeneratedSocketHub<THub>
    {
        ArgumentNullException.ThrowIfNull(io);
        var binding = new HubBinding<THub>(io.Logger);
        if (THub.NamespacePattern is { } pattern)
            io.Of(new Regex(pattern, RegexOptions.CultureInvariant)).OnConnection(binding.OnConnectionAsync);
        else
            io.Of(THub.NamespacePath ?? "/").OnConnection(binding.OnConnectionAsync);
        return io;
    }
}
