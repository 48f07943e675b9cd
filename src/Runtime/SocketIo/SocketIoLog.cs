using Microsoft.Extensions.Logging;

namespace TypedIo.SocketIo;

/// <summary>Socket.IO log messages. Event ids 200–299 (broadcast acks, adapter utilities and server-side emits from 240); never reuse one.</summary>
internal static partial class SocketIoLog
{
    [LoggerMessage(200, LogLevel.Warning, "Connection {Sid} sent a malformed packet ({Error}); closing it.")]
    public static partial void ParseError(ILogger logger, string sid, string error);

    [LoggerMessage(201, LogLevel.Warning, "Connection {Sid} sent {PacketType} for namespace {Namespace} in a state that does not allow it; closing it.")]
    public static partial void InvalidState(ILogger logger, string sid, string packetType, string @namespace);

    [LoggerMessage(202, LogLevel.Information, "Connection {Sid} asked for unknown namespace {Namespace}.")]
    public static partial void InvalidNamespace(ILogger logger, string sid, string @namespace);

    [LoggerMessage(203, LogLevel.Information, "Connection {Sid} refused by middleware of {Namespace}: {Message}.")]
    public static partial void ConnectionRefused(ILogger logger, string sid, string @namespace, string message);

    [LoggerMessage(204, LogLevel.Error, "Connection middleware of {Namespace} failed for connection {Sid}.")]
    public static partial void MiddlewareFailed(ILogger logger, string sid, string @namespace, Exception exception);

    [LoggerMessage(205, LogLevel.Debug, "Socket {SocketId} connected to {Namespace}.")]
    public static partial void SocketConnected(ILogger logger, string socketId, string @namespace);

    [LoggerMessage(206, LogLevel.Information, "Connection {Sid} joined no namespace in time; closing it.")]
    public static partial void ConnectTimeout(ILogger logger, string sid);

    [LoggerMessage(207, LogLevel.Error, "Handler of '{EventName}' failed for socket {SocketId}.")]
    public static partial void HandlerFailed(ILogger logger, string socketId, string eventName, Exception exception);

    [LoggerMessage(208, LogLevel.Warning, "Socket {SocketId} has {Limit} events in flight; not reading from its connection until one finishes.")]
    public static partial void EventsThrottled(ILogger logger, string socketId, int limit);

    [LoggerMessage(209, LogLevel.Error, "The dynamic namespace rule failed for {Namespace}; treated as no match.")]
    public static partial void NamespacePredicateFailed(ILogger logger, string @namespace, Exception exception);

    [LoggerMessage(240, LogLevel.Debug, "Broadcast '{EventName}' in {Namespace} timed out: {Answered} of {Recipients} sockets answered.")]
    public static partial void BroadcastAckTimedOut(ILogger logger, string eventName, string @namespace, int answered, int recipients);

    [LoggerMessage(241, LogLevel.Debug, "Server-side emit of '{EventName}' in {Namespace}: the adapter has no other server node, so nobody receives it.")]
    public static partial void ServerSideEmitWithoutNodes(ILogger logger, string eventName, string @namespace);

    [LoggerMessage(242, LogLevel.Error, "Server-side handler of '{EventName}' in {Namespace} failed.")]
    public static partial void ServerSideHandlerFailed(ILogger logger, string eventName, string @namespace, Exception exception);

    [LoggerMessage(243, LogLevel.Warning, "The adapter failed to persist the session of socket {SocketId} in {Namespace}; it cannot be recovered.")]
    public static partial void SessionPersistFailed(ILogger logger, string socketId, string @namespace, Exception exception);

    [LoggerMessage(244, LogLevel.Warning, "The adapter failed to restore a session in {Namespace} for connection {Sid}; it connects as a new socket.")]
    public static partial void SessionRestoreFailed(ILogger logger, string sid, string @namespace, Exception exception);
}
