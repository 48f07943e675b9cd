using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using TypedIo.SocketIo;

namespace TypedIo;

/// <summary>The outcome of an authorization check.</summary>
public enum SocketAuthorizationResult
{
    /// <summary>The user satisfies the policies and roles.</summary>
    Allowed,

    /// <summary>The user is not authenticated (<c>unauthorized</c>).</summary>
    Unauthorized,

    /// <summary>The user is authenticated but fails a policy or a role (<c>forbidden</c>).</summary>
    Forbidden,
}

/// <summary>
/// ASP.NET Core authorization (<see cref="IAuthorizationService"/>, policies and requirement handlers from DI) for
/// sockets, as middleware: <see cref="Connection"/> refuses a namespace connection with CONNECT_ERROR
/// <c>{"message":"unauthorized"}</c> or <c>{"message":"forbidden"}</c>; <see cref="Event"/> refuses an event with the
/// rejection <c>unauthorized</c>/<c>forbidden</c> (ack, or <c>typedio:error</c>). Typed hubs get both from their
/// <c>[Authorize]</c> and <c>[AllowAnonymous]</c> attributes; these are for the untyped API.
/// </summary>
/// <remarks>
/// The user is <see cref="Socket.User"/>. <see cref="IAuthorizeData.AuthenticationSchemes"/> is ignored: the socket's
/// user was established once, at the handshake. Requires <c>services.AddAuthorization()</c>.
/// </remarks>
/// <example>
/// <code>
/// var admin = io.Of("/admin").Use(SocketAuthorization.Connection(new AuthorizeAttribute("admins")));
/// io.Of("/chat").UseForEvents(SocketAuthorization.Event("ban", new AuthorizeAttribute { Roles = "moderator" }));
/// </code>
/// </example>
public static class SocketAuthorization
{
    /// <summary>Connection middleware refusing sockets whose user fails <paramref name="authorizeData"/> (all of them).</summary>
    public static ConnectionMiddleware Connection(params IAuthorizeData[] authorizeData)
    {
        ArgumentNullException.ThrowIfNull(authorizeData);
        var authorization = new HubAuthorization(allowAnonymous: false, authorizeData);
        return async (socket, next) =>
        {
            await AuthorizeConnectionAsync(socket, authorization, socket.Namespace.Name).ConfigureAwait(false);
            await next().ConfigureAwait(false);
        };
    }

    /// <summary>Event middleware refusing <paramref name="eventName"/> when the socket's user fails <paramref name="authorizeData"/>.</summary>
    public static EventMiddleware Event(string eventName, params IAuthorizeData[] authorizeData)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        ArgumentNullException.ThrowIfNull(authorizeData);
        var authorization = new HubAuthorization(allowAnonymous: false, authorizeData);
        return async (socketEvent, next) =>
        {
            if (string.Equals(socketEvent.Name, eventName, StringComparison.Ordinal)
                && !await AuthorizeEventAsync(socketEvent, authorization, handler: null).ConfigureAwait(false))
                return;
            await next().ConfigureAwait(false);
        };
    }

    /// <summary>
    /// Evaluates <paramref name="authorizeData"/> (combined as ASP.NET Core combines attributes: every policy and role
    /// list must pass) for <paramref name="socket"/>'s user, with <paramref name="resource"/> as the resource handlers see.
    /// </summary>
    public static ValueTask<SocketAuthorizationResult> AuthorizeAsync(Socket socket, IEnumerable<IAuthorizeData> authorizeData, object? resource = null)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(authorizeData);
        return AuthorizeAsync(socket, provider => new ValueTask<AuthorizationPolicy?>(AuthorizationPolicy.CombineAsync(provider, authorizeData)), resource);
    }

    private static async ValueTask<SocketAuthorizationResult> AuthorizeAsync(Socket socket, Func<IAuthorizationPolicyProvider, ValueTask<AuthorizationPolicy?>> combine, object? resource)
    {
        var services = socket.Services ?? throw new InvalidOperationException("The server has no service provider: create it through services.AddTypedIo().");
        var policyProvider = services.GetService<IAuthorizationPolicyProvider>()
            ?? throw new InvalidOperationException("Authorization of sockets needs services.AddAuthorization().");
        var policy = await combine(policyProvider).ConfigureAwait(false);
        if (policy is null)
            return SocketAuthorizationResult.Allowed;
        var authorization = services.GetRequiredService<IAuthorizationService>();
        var result = await authorization.AuthorizeAsync(socket.User, resource ?? socket, policy).ConfigureAwait(false);
        if (result.Succeeded)
            return SocketAuthorizationResult.Allowed;
        return socket.User.Identity?.IsAuthenticated == true ? SocketAuthorizationResult.Forbidden : SocketAuthorizationResult.Unauthorized;
    }

    /// <summary>Throws <see cref="SocketConnectException"/> unless the socket's user passes.</summary>
    internal static async ValueTask AuthorizeConnectionAsync(Socket socket, HubAuthorization authorization, string target)
    {
        var result = await AuthorizeAsync(socket, authorization.GetPolicyAsync, resource: null).ConfigureAwait(false);
        if (result == SocketAuthorizationResult.Allowed)
            return;
        var code = Code(result);
        PipelineLog.ConnectionRefused(socket.Namespace.Server.Logger, socket.Id, socket.Namespace.Name, target, code);
        throw new SocketConnectException(code);
    }

    /// <summary>Refuses the event (and returns false) unless the socket's user passes.</summary>
    internal static async ValueTask<bool> AuthorizeEventAsync(SocketEvent socketEvent, HubAuthorization authorization, string? handler)
    {
        var result = await AuthorizeAsync(socketEvent.Socket, authorization.GetPolicyAsync, socketEvent).ConfigureAwait(false);
        if (result == SocketAuthorizationResult.Allowed)
            return true;
        var code = Code(result);
        PipelineLog.EventRefused(socketEvent.Socket.Namespace.Server.Logger, socketEvent.Socket.Id, socketEvent.Name, handler ?? socketEvent.Socket.Namespace.Name, code);
        socketEvent.Reject(new SocketRejection(code, result == SocketAuthorizationResult.Unauthorized
            ? $"'{socketEvent.Name}' requires an authenticated user."
            : $"'{socketEvent.Name}' is not allowed for this user."));
        return false;
    }

    private static string Code(SocketAuthorizationResult result) =>
        result == SocketAuthorizationResult.Unauthorized ? SocketRejectionCodes.Unauthorized : SocketRejectionCodes.Forbidden;
}
