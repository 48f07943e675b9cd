using System.Security.Claims;
using Microsoft.Extensions.DependencyInjection;

namespace TypedIo.SocketIo;

/// <summary>
/// Turns the CONNECT packet's <c>auth</c> payload (<see cref="SocketHandshake.Auth"/>) into a user, for clients that
/// cannot authenticate the HTTP request (a browser cannot set headers on a WebSocket). Register one with
/// <c>services.AddSocketAuthenticator&lt;T&gt;()</c>; it is created in the socket's service scope.
/// </summary>
/// <remarks>
/// It runs once per namespace connection, before any connection middleware, and only when ASP.NET Core
/// authentication of the handshake request produced no authenticated user: an authenticated request always wins.
/// Return null to leave the socket anonymous (authorization then decides), or throw
/// <see cref="SocketConnectException"/> to refuse the connection with a message of your own.
/// </remarks>
public interface ISocketAuthenticator
{
    /// <summary>The user the socket acts for, or null for none.</summary>
    ValueTask<ClaimsPrincipal?> AuthenticateAsync(Socket socket, CancellationToken cancellationToken);
}

/// <summary>The authentication step of a namespace connection (before connection middleware).</summary>
internal static class SocketAuthentication
{
    public static ValueTask AuthenticateAsync(Socket socket)
    {
        // Asked of the root first: most apps register no authenticator, and the socket's scope is made on first use.
        if (socket.IsAuthenticated
            || !socket.Namespace.Server.MayHaveService(typeof(ISocketAuthenticator))
            || socket.Services?.GetService<ISocketAuthenticator>() is not { } authenticator)
            return ValueTask.CompletedTask;
        return RunAsync(socket, authenticator);
    }

    private static async ValueTask RunAsync(Socket socket, ISocketAuthenticator authenticator)
    {
        var user = await authenticator.AuthenticateAsync(socket, socket.Connection.Closed).ConfigureAwait(false);
        if (user is not null)
            socket.User = user;
    }
}
