using System.Text.Json;
using System.Text.Json.Nodes;
using TypedIo;
using TypedIo.SocketIo;

namespace TypedIo.Fixture.Hubs;

/// <summary><c>echo</c>: every namespace of the default profile has it.</summary>
public interface IEchoEvents
{
    /// <summary>Any arguments, binary included; emitted back unchanged (as received: no JSON tree is made of them).</summary>
    Task Echo(SocketArgs args);
}

/// <summary>The client-to-server events of <c>/</c> (FIXTURE.md, profile default).</summary>
public interface IMainEvents : IEchoEvents
{
    /// <summary>Joins a room; acks the socket's rooms, sorted.</summary>
    Task<string[]> Join(string room);

    /// <summary>Leaves a room; acks the socket's rooms, sorted.</summary>
    Task<string[]> Leave(string room);

    /// <summary>Emits <paramref name="event"/> with <paramref name="args"/> to every socket in the room.</summary>
    [Event("room-emit")]
    Task RoomEmit(string room, string @event, SocketArgs args);

    /// <summary>Emits <paramref name="event"/> with <paramref name="args"/> to every other socket.</summary>
    Task Broadcast(string @event, SocketArgs args);

    /// <summary>Asks the sender <c>server-ask</c> (1 s timeout) and acks the outcome.</summary>
    [Event("request-ack")]
    Task<JsonObject> RequestAck(JsonNode? payload);

    /// <summary>Disconnects this socket from <c>/</c> only.</summary>
    [Event("disconnect-me")]
    Task DisconnectMe();

    /// <summary>Acks the number of sockets connected to <c>/</c>.</summary>
    Task<int> Count();
}

/// <summary>The server-to-client events of <c>/</c> and <c>/admin</c>.</summary>
public interface IFixtureClient
{
    /// <summary>Sent on connection.</summary>
    Task Welcome(Welcome welcome);

    /// <summary>The echo of <see cref="IEchoEvents.Echo"/> (any values: the hub context emits it too).</summary>
    Task Echo(params object?[] args);

    /// <summary>Asked by <c>request-ack</c>; the client answers with its ack.</summary>
    [Event("server-ask")]
    Task<JsonNode?> ServerAsk(JsonNode? payload);
}

/// <summary>The server-to-client events of the dynamic namespaces.</summary>
public interface IDynamicClient
{
    /// <summary>Sent on connection.</summary>
    Task Welcome(NamespaceWelcome welcome);

    /// <summary>The echo of <see cref="IEchoEvents.Echo"/> (any values: the hub context emits it too).</summary>
    Task Echo(params object?[] args);
}

/// <summary><c>{"id": socket id, "auth": handshake auth or {}}</c>.</summary>
public sealed record Welcome(string Id, JsonElement Auth);

/// <summary><c>{"nsp": "/dyn-..."}</c>.</summary>
public sealed record NamespaceWelcome(string Nsp);
