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

    /// <inheritdoc />
    public Task Echo(SocketArgs args) => Clients.Caller.Echo(args);
}
