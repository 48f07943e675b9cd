using System.Security.Claims;
using Microsoft.Extensions.Options;
using TypedIo.SocketIo;

namespace TypedIo.Samples.Chat;

/// <summary>
/// Who a browser tab is: the name it sends in its CONNECT payload (<c>{ name, adminKey }</c>), and the admin role when
/// its key is the configured one (<c>Chat:AdminKey</c>). A sample's identity: a real app uses cookies or tokens.
/// </summary>
public sealed class ChatAuthenticator(IOptions<ChatOptions> options) : ISocketAuthenticator
{
    /// <summary>The role that may clear rooms.</summary>
    public const string AdminRole = "admin";

    /// <inheritdoc />
    public ValueTask<ClaimsPrincipal?> AuthenticateAsync(Socket socket, CancellationToken cancellationToken)
    {
        var auth = socket.Handshake.Auth;
        var name = auth.ValueKind == System.Text.Json.JsonValueKind.Object && auth.TryGetProperty("name", out var n) && n.ValueKind == System.Text.Json.JsonValueKind.String
            ? n.GetString()!.Trim()
            : "";
        if (name.Length is 0 or > 32)
            throw new SocketConnectException("Choose a name of 1 to 32 characters.");

        var claims = new List<Claim> { new(ClaimTypes.Name, name) };
        if (auth.TryGetProperty("adminKey", out var key) && key.ValueKind == System.Text.Json.JsonValueKind.String
            && options.Value.AdminKey is { Length: > 0 } expected && key.ValueEquals(expected))
            claims.Add(new Claim(ClaimTypes.Role, AdminRole));
        return ValueTask.FromResult<ClaimsPrincipal?>(new ClaimsPrincipal(new ClaimsIdentity(claims, "chat-name")));
    }
}

/// <summary>The chat's settings (section <c>Chat</c>).</summary>
public sealed class ChatOptions
{
    /// <summary>The key that makes a tab an admin. Default <c>let-me-admin</c>; set your own in configuration.</summary>
    public string AdminKey { get; set; } = "let-me-admin";
}
