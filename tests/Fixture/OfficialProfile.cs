using System.Text.Json.Nodes;
using TypedIo.EngineIo;
using TypedIo.SocketIo;

namespace TypedIo.Fixture;

/// <summary>The options and namespaces the official protocol test suites expect.</summary>
internal static class OfficialProfile
{
    public static void ConfigureEngine(EngineIoOptions options)
    {
        options.PingInterval = TimeSpan.FromMilliseconds(300);
        options.PingTimeout = TimeSpan.FromMilliseconds(200);
        options.MaxHttpBufferSize = 1_000_000;
    }

    public static void ConfigureSocketIo(SocketIoOptions options)
    {
        ConfigureEngine(options.EngineIo);
        options.ConnectTimeout = TimeSpan.FromMilliseconds(1000);
    }

    /// <summary><c>/</c> and <c>/custom</c>, identical; every other namespace is refused.</summary>
    public static void MapNamespaces(SocketIoServer io)
    {
        foreach (var name in new[] { "/", "/custom" })
        {
            io.Of(name).OnConnection(socket =>
            {
                socket.EmitAsync("auth", socket.Handshake.Auth);
                socket.On("message", e => socket.EmitAsync("message-back", e.Args));
                socket.On("message-with-ack", e => e.Ack(e.Args));
            });
        }
    }
}
