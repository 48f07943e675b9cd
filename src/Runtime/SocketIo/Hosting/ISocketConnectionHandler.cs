using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;

namespace TypedIo.SocketIo;

/// <summary>
/// A connection handler created from dependency injection for each socket, in the socket's own service scope
/// (disposed when the socket disconnects).
/// </summary>
/// <example>
/// <code>
/// public sealed class ChatHandler(IChatStore store) : ISocketConnectionHandler
/// {
///     public ValueTask OnConnectedAsync(Socket socket) { socket.On("say", e => store.SaveAsync(e.Args[0].GetString())); return default; }
/// }
/// io.Of("/chat").OnConnection&lt;ChatHandler&gt;();
/// </code>
/// </example>
public interface ISocketConnectionHandler
{
    /// <summary>Called once the socket has joined its namespace.</summary>
    ValueTask OnConnectedAsync(Socket socket);
}

/// <summary>Registers DI-created connection handlers.</summary>
public static class SocketConnectionHandlerExtensions
{
    /// <summary>
    /// For each socket that joins, creates <typeparamref name="THandler"/> from the socket's service scope (a
    /// registered service, or constructed with its dependencies injected) and calls it.
    /// </summary>
    public static Namespace OnConnection<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler>(this Namespace nsp)
        where THandler : class, ISocketConnectionHandler
    {
        ArgumentNullException.ThrowIfNull(nsp);
        return nsp.OnConnection(socket => Create<THandler>(socket).OnConnectedAsync(socket));
    }

    /// <summary>The same for every child of a dynamic namespace.</summary>
    public static ParentNamespace OnConnection<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler>(this ParentNamespace nsp)
        where THandler : class, ISocketConnectionHandler
    {
        ArgumentNullException.ThrowIfNull(nsp);
        return nsp.OnConnection(socket => Create<THandler>(socket).OnConnectedAsync(socket));
    }

    private static THandler Create<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler>(Socket socket)
        where THandler : class
    {
        var services = socket.Services
            ?? throw new InvalidOperationException("The server has no service provider: create it through services.AddTypedIo().");
        return ActivatorUtilities.GetServiceOrCreateInstance<THandler>(services);
    }
}
