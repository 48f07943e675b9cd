using TypedIo.SocketIo;

namespace TypedIo.Fixture.Hubs;

/// <summary>What the hubs of <c>/</c> and <c>/admin</c> share.</summary>
internal static class FixtureHubs
{
    public static Welcome Welcome(HubCallerContext context) => new(context.SocketId, context.Handshake.Auth);

    /// <summary>
    /// <c>ack</c> answers with every argument it got, several values: a typed ack carries one value, so this event is
    /// handled with the untyped API, next to the hub.
    /// </summary>
    public static void AckBack(Socket socket) => socket.On("ack", e => e.Ack(e.Args));
}
