using TypedIo.SocketIo;

namespace TypedIo.Fixture.Hubs;

/// <summary>Namespace <c>/admin</c>: only sockets whose auth has <c>token: "secret"</c> get here (see DefaultProfile).</summary>
[SocketHub("/admin")]
public sealed partial class AdminHub : SocketHub<IFixtureClient>, IEchoEvents
{
    /// <inheritdoc />
    public override ValueTask OnConnectedAsync()
    {
        FixtureHubs.AckBack(Context.Socket);
        return new(Clients.Caller.Welcome(FixtureHubs.Welcome(Context)));
    }

    // The received arguments go back as they came, written from their bytes (no JSON tree).
    /// <inheritdoc />
    public Task Echo(SocketArgs args) => Context.Socket.EmitAsync("echo", args).AsTask();
}
