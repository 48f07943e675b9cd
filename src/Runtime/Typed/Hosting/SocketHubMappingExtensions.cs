using System.Text.RegularExpressions;
using TypedIo.SocketIo;

namespace TypedIo;

/// <summary>Serves typed hubs on a server.</summary>
public static class SocketHubMappingExtensions
{
    /// <summary>
    /// Serves <typeparamref name="THub"/> at the namespace (or namespace pattern) of its <see cref="SocketHubAttribute"/>:
    /// each socket that joins gets its own hub instance. The hub's <c>[Authorize]</c> attributes become connection
    /// middleware of the namespace, added here: it runs after middleware added before this call, before middleware added
    /// after it (<c>MapTypedIo()</c> maps the hubs before running its configure callback).
    /// </summary>
    public static SocketIoServer MapHub<THub>(this SocketIoServer io)
        where THub : SocketHub, IGeneratedSocketHub<THub>
    {
        ArgumentNullException.ThrowIfNull(io);
        var binding = new HubBinding<THub>(io.Logger);
        ConnectionMiddleware? authorize = null;
        if (THub.Authorization is { IsRequired: true } authorization)
        {
            var hubName = typeof(THub).Name;
            authorize = async (socket, next) =>
            {
                await SocketAuthorization.AuthorizeConnectionAsync(socket, authorization, hubName).ConfigureAwait(false);
                await next().ConfigureAwait(false);
            };
        }
        if (THub.NamespacePattern is { } pattern)
        {
            var parent = io.Of(new Regex(pattern, RegexOptions.CultureInvariant));
            if (authorize is not null)
                parent.Use(authorize);
            parent.OnConnection(binding.OnConnectionAsync);
        }
        else
        {
            var nsp = io.Of(THub.NamespacePath ?? "/");
            if (authorize is not null)
                nsp.Use(authorize);
            nsp.OnConnection(binding.OnConnectionAsync);
        }
        return io;
    }
}
