using System.Text.Json;
using TypedIo.Fixture.Hubs;
using TypedIo.SocketIo;

namespace TypedIo.Fixture;

/// <summary>The application contract of the default profile (see FIXTURE.md): typed hubs, plus the admin gate.</summary>
internal static class DefaultProfile
{
    public static void AddHubs(IServiceCollection services) =>
        services.AddSocketHub<MainHub>().AddSocketHub<AdminHub>().AddSocketHub<DynamicHub>();

    public static void MapNamespaces(SocketIoServer io) =>
        io.Of("/admin").Use(async (socket, next) =>
        {
            var auth = socket.Handshake.Auth;
            var authorized = auth.ValueKind == JsonValueKind.Object
                && auth.TryGetProperty("token", out var token)
                && token.ValueKind == JsonValueKind.String
                && token.ValueEquals("secret");
            if (!authorized)
                throw new SocketConnectException("unauthorized");
            await next();
        });
}
