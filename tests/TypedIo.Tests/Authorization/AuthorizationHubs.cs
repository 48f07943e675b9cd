using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using TypedIo.SocketIo;
using TypedIo.Tests.SocketIo;

namespace TypedIo.Tests.Authorization;

public interface IVaultEvents
{
    Task<string> Whoami();

    [Authorize(Roles = "admin")]
    Task<string> Wipe();

    Task<string> Audit();

    [Authorize(Roles = "admin")]
    Task Shout(string text);
}

public interface ILobbyEvents
{
    Task<string> Hello();

    [Authorize]
    Task<string> Whoami();

    [Authorize]
    Task<string> Ping();

    Task<string> Deploy();
}

public interface IStaffEvents
{
    Task<string> Hi();
}

public interface INoClient
{
}

/// <summary>What reached the hubs and the requirement handler.</summary>
internal sealed class AuthProbe
{
    public Recorder<string> Handled { get; } = new();

    public Recorder<object?> StaffResources { get; } = new();

    public Recorder<string> Authenticated { get; } = new();
}

/// <summary>Any authenticated user may join; some events need more.</summary>
[SocketHub("/vault")]
[Authorize]
internal sealed partial class VaultHub(AuthProbe probe) : SocketHub<INoClient>, IVaultEvents
{
    public Task<string> Whoami() => Task.FromResult(Context.User.Identity?.Name ?? "?");

    public Task<string> Wipe()
    {
        probe.Handled.Add("wipe");
        return Task.FromResult("wiped");
    }

    [Authorize(Policy = "auditors")]
    public Task<string> Audit()
    {
        probe.Handled.Add("audit");
        return Task.FromResult("audited");
    }

    public Task Shout(string text)
    {
        probe.Handled.Add("shout:" + text);
        return Task.CompletedTask;
    }
}

/// <summary>
/// Anyone may join; the contract protects some events and the hub opens one of them again. The class's
/// [AllowAnonymous] opens only the connection: events with their own [Authorize] stay protected.
/// </summary>
[SocketHub("/lobby")]
[AllowAnonymous]
internal sealed partial class LobbyHub(AuthProbe probe) : SocketHub<INoClient>, ILobbyEvents
{
    public Task<string> Hello() => Task.FromResult("hello " + (Context.User.Identity?.Name ?? "anonymous"));

    public Task<string> Whoami()
    {
        probe.Handled.Add("lobby-whoami");
        return Task.FromResult(Context.User.Identity!.Name!);
    }

    [AllowAnonymous]
    public Task<string> Ping() => Task.FromResult("pong");

    [Authorize(Policy = "staff")]
    public Task<string> Deploy()
    {
        probe.Handled.Add("deploy");
        return Task.FromResult("deployed");
    }
}

/// <summary>Only staff may join: a policy with a custom requirement handled by a handler from DI.</summary>
[SocketHub("/staff")]
[Authorize(Policy = "staff")]
internal sealed partial class StaffHub : SocketHub<INoClient>, IStaffEvents
{
    public Task<string> Hi() => Task.FromResult("hi " + Context.User.Identity!.Name);
}

/// <summary>A hub serving a namespace pattern: its [Authorize] guards every child namespace.</summary>
[SocketHub(NamespacePattern = "^/team-vault-[0-9]+$")]
[Authorize(Roles = "admin")]
internal sealed partial class TeamVaultHub : SocketHub<INoClient>, IStaffEvents
{
    public Task<string> Hi() => Task.FromResult("hi from " + Context.Socket.Namespace.Name);
}

public sealed class StaffRequirement : IAuthorizationRequirement
{
}

internal sealed class StaffHandler(AuthProbe probe) : AuthorizationHandler<StaffRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, StaffRequirement requirement)
    {
        probe.StaffResources.Add(context.Resource);
        if (context.User.HasClaim("department", "staff"))
            context.Succeed(requirement);
        return Task.CompletedTask;
    }
}

/// <summary>Reads a JWT from the CONNECT auth payload (<c>{"token":"..."}</c>), validated like the bearer handler does.</summary>
internal sealed class TokenAuthenticator(AuthProbe probe) : ISocketAuthenticator
{
    public async ValueTask<ClaimsPrincipal?> AuthenticateAsync(Socket socket, CancellationToken cancellationToken)
    {
        probe.Authenticated.Add(socket.Namespace.Name);
        if (socket.Handshake.Auth.ValueKind != System.Text.Json.JsonValueKind.Object
            || !socket.Handshake.Auth.TryGetProperty("token", out var token)
            || token.GetString() is not { } text)
            return null;
        var result = await TestTokens.ValidateAsync(text);
        if (!result.IsValid)
            throw new SocketConnectException("invalid token");
        return new ClaimsPrincipal(result.ClaimsIdentity);
    }
}
