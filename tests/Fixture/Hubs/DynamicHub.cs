using TypedIo.SocketIo;

namespace TypedIo.Fixture.Hubs;

/// <summary>The dynamic namespaces <c>/dyn-*</c>.</summary>
[SocketHub(NamespacePattern = "^/dyn-[a-z0-9]+$")]
public sealed partial class DynamicHub : SocketHub<IDynamicClient>, IEchoEvents
{
    /// <inheritdoc />
    public override ValueTask OnConnectedAsync() =>
        new(Clients.Caller.Welcome(new NamespaceWelcome(Context.Socket.Namespace.Name)));

    // The received arguments go back as they came, written from their bytes (no JSON tree).
    /// <inheritdoc />
    public Task Echo(SocketArgs args) => Context.Socket.EmitAsync("echo", args).AsTask();
}
