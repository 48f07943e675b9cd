using System.Net.WebSockets;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TypedIo.SocketIo;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Tests.SocketIo.Hosting;

public sealed class AuthenticationTests
{
    [Theory]
    [InlineData("alice", "alice")]
    [InlineData(null, "")]
    public async Task The_user_authenticated_on_the_handshake_request_is_the_socket_user(string? user, string expected)
    {
        await using var host = await TestHost.StartAsync(
            app => app.MapTypedIo(io => io.Of("/").OnConnection(socket =>
                socket.EmitAsync("user", socket.User.Identity?.IsAuthenticated == true ? socket.User.Identity.Name : ""))),
            services =>
            {
                services.AddTypedIo();
                services.AddAuthentication(HeaderAuthentication.SchemeName)
                    .AddScheme<AuthenticationSchemeOptions, HeaderAuthentication>(HeaderAuthentication.SchemeName, null);
            },
            app => app.UseAuthentication());

        using var ws = new ClientWebSocket();
        if (user is not null)
            ws.Options.SetRequestHeader(HeaderAuthentication.Header, user);
        await ws.ConnectAsync(new Uri(host.WebSocketAddress, "socket.io/?EIO=4&transport=websocket"), Timeout());
        Assert.StartsWith("0{", await ReceiveTextAsync(ws));
        await ws.SendAsync("40"u8.ToArray(), WebSocketMessageType.Text, true, Timeout());
        Assert.StartsWith("40{", await ReceiveTextAsync(ws));

        Assert.Equal($"42[\"user\",\"{expected}\"]", await ReceiveTextAsync(ws));
    }

    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token;

    private static async Task<string> ReceiveTextAsync(ClientWebSocket ws)
    {
        var buffer = new byte[4096];
        var result = await ws.ReceiveAsync(buffer, Timeout());
        return Encoding.UTF8.GetString(buffer, 0, result.Count);
    }

    /// <summary>Authenticates whoever names themselves in a header: enough to prove the user flows through.</summary>
    private sealed class HeaderAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string SchemeName = "test-header";
        public const string Header = "X-Test-User";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            var name = Request.Headers[Header].ToString();
            if (name.Length == 0)
                return Task.FromResult(AuthenticateResult.NoResult());
            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, name)], SchemeName);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
        }
    }
}
