using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using TypedIo.SocketIo;

namespace TypedIo.Fixture;

/// <summary>The application contract of the default profile (see FIXTURE.md).</summary>
internal static partial class DefaultProfile
{
    [GeneratedRegex("^/dyn-[a-z0-9]+$")]
    private static partial Regex DynamicNamespace();

    public static void MapNamespaces(SocketIoServer io)
    {
        var main = io.Of("/");
        main.OnConnection(socket =>
        {
            Welcome(socket);
            Echo(socket);
            AckBack(socket);
            socket.On("join", e =>
            {
                socket.Join(e.Args[0].GetString()!);
                e.Ack(SortedRooms(socket));
            });
            socket.On("leave", e =>
            {
                socket.Leave(e.Args[0].GetString()!);
                e.Ack(SortedRooms(socket));
            });
            socket.On("room-emit", e =>
            {
                var args = e.Args.ToEmitArgs();
                return main.To(e.Args[0].GetString()!).EmitAsync(e.Args[1].GetString()!, args[2..]);
            });
            socket.On("broadcast", e =>
            {
                var args = e.Args.ToEmitArgs();
                return socket.Broadcast.EmitAsync(e.Args[0].GetString()!, args[1..]);
            });
            socket.On("request-ack", async e =>
            {
                try
                {
                    var reply = await socket.EmitWithAckAsync("server-ask", [e.Args.GetNode(0)], TimeSpan.FromMilliseconds(1000));
                    e.Ack(new JsonObject { ["ok"] = true, ["reply"] = reply.Count > 0 ? reply.GetNode(0) : null });
                }
                catch (SocketAckTimeoutException)
                {
                    e.Ack(new JsonObject { ["ok"] = false, ["error"] = "timeout" });
                }
            });
            socket.On("disconnect-me", _ => socket.Disconnect());
            socket.On("count", e => e.Ack(main.SocketCount));
        });

        var admin = io.Of("/admin");
        admin.Use(async (socket, next) =>
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
        admin.OnConnection(socket =>
        {
            Welcome(socket);
            Echo(socket);
            AckBack(socket);
        });

        io.Of(DynamicNamespace()).OnConnection(socket =>
        {
            socket.EmitAsync("welcome", new JsonObject { ["nsp"] = socket.Namespace.Name });
            Echo(socket);
        });
    }

    private static void Welcome(Socket socket) =>
        socket.EmitAsync("welcome", new JsonObject { ["id"] = socket.Id, ["auth"] = JsonNode.Parse(socket.Handshake.Auth.GetRawText()) });

    private static void Echo(Socket socket) =>
        socket.On("echo", e => socket.EmitAsync("echo", e.Args.ToEmitArgs()));

    private static void AckBack(Socket socket) =>
        socket.On("ack", e => e.Ack(e.Args.ToEmitArgs()));

    /// <summary>The rooms as ONE argument: an array passed straight to a params parameter would be spread.</summary>
    private static object SortedRooms(Socket socket)
    {
        var rooms = socket.Rooms.ToArray();
        Array.Sort(rooms, StringComparer.Ordinal);
        return rooms;
    }
}
