using Microsoft.Extensions.Logging;

namespace TypedIo;

/// <summary>Typed hub log messages. Event ids 300–399; never reuse one.</summary>
internal static partial class HubLog
{
    [LoggerMessage(300, LogLevel.Warning, "Socket {SocketId} sent '{EventName}' with arguments that do not fit {Hub}.{Method}: {Reason}")]
    public static partial void InvalidArguments(ILogger logger, string socketId, string eventName, string hub, string method, string reason);

    [LoggerMessage(301, LogLevel.Error, "{Hub}.{Method} failed for socket {SocketId} (event '{EventName}').")]
    public static partial void MethodFailed(ILogger logger, string socketId, string eventName, string hub, string method, Exception exception);

    [LoggerMessage(302, LogLevel.Information, "{Hub}.{Method} refused '{EventName}' of socket {SocketId} ({Code}): {Message}")]
    public static partial void MethodRefused(ILogger logger, string socketId, string eventName, string hub, string method, string code, string message);

    [LoggerMessage(303, LogLevel.Error, "{Hub}.OnConnectedAsync failed for socket {SocketId}; disconnecting it.")]
    public static partial void ConnectedHookFailed(ILogger logger, string socketId, string hub, Exception exception);

    [LoggerMessage(304, LogLevel.Error, "{Hub}.OnDisconnectedAsync failed for socket {SocketId}.")]
    public static partial void DisconnectedHookFailed(ILogger logger, string socketId, string hub, Exception exception);

    [LoggerMessage(305, LogLevel.Debug, "Socket {SocketId} sent '{EventName}', which {Hub} does not handle.")]
    public static partial void UnknownEvent(ILogger logger, string socketId, string eventName, string hub);
}
