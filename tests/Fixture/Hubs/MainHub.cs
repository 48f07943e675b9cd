using System.Text.Json.Nodes;
using TypedIo.SocketIo;

namespace TypedIo.Fixture.Hubs;

/// <summary>Namespace <c>/</c> of the default profile.</summary>
[SocketHub("/")]
public sealed partial class MainHub : SocketHub<IFixtureClient>, IMainEvents
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

    /// <inheritdoc />
    public Task<string[]> Join(string room)
    {
        Context.Socket.Join(room);
        return Task.FromResult(SortedRooms());
    }

    /// <inheritdoc />
    public Task<string[]> Leave(string room)
    {
        Context.Socket.Leave(room);
        return Task.FromResult(SortedRooms());
    }

    // The event name is chosen by the client: the untyped broadcast operator is the right tool.
    /// <inheritdoc />
    public Task RoomEmit(string room, string @event, SocketArgs args) =>
        Context.Socket.Namespace.To(room).EmitAsync(@event, args).AsTask();

    /// <inheritdoc />
    public Task Broadcast(string @event, SocketArgs args) =>
        Context.Socket.Broadcast.EmitAsync(@event, args).AsTask();

    /// <inheritdoc />
    public async Task<JsonObject> RequestAck(JsonNode? payload)
    {
        try
        {
            var reply = await Clients.Caller.WithTimeout(TimeSpan.FromMilliseconds(1000)).ServerAsk(payload);
            return new JsonObject { ["ok"] = true, ["reply"] = reply };
        }
        catch (SocketAckTimeoutException)
        {
            return new JsonObject { ["ok"] = false, ["error"] = "timeout" };
        }
    }

    /// <inheritdoc />
    public Task DisconnectMe()
    {
        Context.Socket.Disconnect();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<int> Count() => Task.FromResult(Context.Socket.Namespace.SocketCount);

    private string[] SortedRooms()
    {
        var rooms = Context.Socket.Rooms.ToArray();
        Array.Sort(rooms, StringComparer.Ordinal);
        return rooms;
    }
}
