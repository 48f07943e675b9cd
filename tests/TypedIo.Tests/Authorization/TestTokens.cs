using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Tests.Authorization;

/// <summary>JWTs the tests sign with a symmetric key, and a server whose JwtBearer handler validates them.</summary>
internal static class TestTokens
{
    private const string Issuer = "typedio-tests";
    private const string Audience = "typedio";
    private static readonly SymmetricSecurityKey Key = new(RandomNumberGenerator.GetBytes(32));

    public static TokenValidationParameters Parameters => new()
    {
        ValidIssuer = Issuer,
        ValidAudience = Audience,
        IssuerSigningKey = Key,
        NameClaimType = "name",
        RoleClaimType = "role",
    };

    public static string Create(string name, string[]? roles = null, string? department = null, SecurityKey? key = null)
    {
        var claims = new List<Claim> { new("name", name) };
        foreach (var role in roles ?? [])
            claims.Add(new Claim("role", role));
        if (department is not null)
            claims.Add(new Claim("department", department));
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Subject = new ClaimsIdentity(claims),
            Expires = DateTime.UtcNow.AddMinutes(5),
            SigningCredentials = new SigningCredentials(key ?? Key, SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>A token signed with another key: well-formed, but the server must not trust it.</summary>
    public static string Forged(string name) => Create(name, ["admin"], key: new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)));

    public static Task<TokenValidationResult> ValidateAsync(string token) =>
        new JsonWebTokenHandler().ValidateTokenAsync(token, Parameters);

    /// <summary>
    /// A server with ASP.NET Core authentication (JwtBearer: the Authorization header, or <c>access_token</c> in the query
    /// of the Socket.IO path, read in <c>OnMessageReceived</c> as browsers cannot set headers on a WebSocket), policies,
    /// and the test hubs.
    /// </summary>
    public static Task<TestHost> StartAsync(AuthProbe probe, Action<IServiceCollection>? more = null, Action<TypedIo.SocketIo.SocketIoServer>? io = null) =>
        TestHost.StartAsync(
            app => app.MapTypedIo(io),
            services =>
            {
                services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(o =>
                {
                    o.MapInboundClaims = false;
                    o.TokenValidationParameters = Parameters;
                    o.Events = new JwtBearerEvents
                    {
                        OnMessageReceived = context =>
                        {
                            var token = context.Request.Query["access_token"].ToString();
                            if (token.Length > 0 && context.Request.Path.StartsWithSegments("/socket.io"))
                                context.Token = token;
                            return Task.CompletedTask;
                        },
                    };
                });
                services.AddAuthorizationBuilder()
                    .AddPolicy("auditors", p => p.RequireClaim("department", "audit"))
                    .AddPolicy("staff", p => p.AddRequirements(new StaffRequirement()));
                services.AddSingleton<IAuthorizationHandler, StaffHandler>();
                services.AddSingleton(probe);
                services.AddTypedIo();
                services.AddSocketHub<VaultHub>().AddSocketHub<LobbyHub>().AddSocketHub<StaffHub>().AddSocketHub<TeamVaultHub>();
                more?.Invoke(services);
            },
            app => app.UseAuthentication());
}
