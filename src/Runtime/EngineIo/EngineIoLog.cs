using Microsoft.Extensions.Logging;

namespace TypedIo.EngineIo;

/// <summary>Engine.IO log messages. Event ids 100–199; never reuse one.</summary>
internal static partial class EngineIoLog
{
    [LoggerMessage(100, LogLevel.Debug, "Session {Sid} opened over {Transport}.")]
    public static partial void SessionOpened(ILogger logger, string sid, string transport);

    [LoggerMessage(101, LogLevel.Debug, "Session {Sid} closed: {Reason}.")]
    public static partial void SessionClosed(ILogger logger, string sid, string reason);

    [LoggerMessage(102, LogLevel.Information, "Request refused with code {Code} ({Message}): {Method} {Query}.")]
    public static partial void RequestRefused(ILogger logger, int code, string message, string method, string query);

    [LoggerMessage(103, LogLevel.Error, "Engine.IO request failed.")]
    public static partial void RequestFailed(ILogger logger, Exception exception);

    [LoggerMessage(104, LogLevel.Warning, "Session {Sid} sent a packet that could not be decoded.")]
    public static partial void InvalidPacket(ILogger logger, string sid);

    [LoggerMessage(105, LogLevel.Warning, "Session {Sid} sent a ping; in Engine.IO v4 only the server pings.")]
    public static partial void InvalidHeartbeatDirection(ILogger logger, string sid);

    [LoggerMessage(106, LogLevel.Warning, "Session {Sid} sent a message over the limit of {MaxSize} bytes.")]
    public static partial void PayloadTooLarge(ILogger logger, string sid, int maxSize);

    [LoggerMessage(107, LogLevel.Warning, "Session {Sid} made a second poll while one was pending.")]
    public static partial void PollOverlap(ILogger logger, string sid);

    [LoggerMessage(108, LogLevel.Warning, "Session {Sid} made a second POST while one was in progress.")]
    public static partial void PostOverlap(ILogger logger, string sid);

    [LoggerMessage(109, LogLevel.Debug, "Session {Sid} aborted its pending poll.")]
    public static partial void PollAborted(ILogger logger, string sid);

    [LoggerMessage(110, LogLevel.Warning, "Session {Sid} has {MaxQueued} packets queued and reads none; closing it.")]
    public static partial void SendQueueFull(ILogger logger, string sid, int maxQueued);

    [LoggerMessage(111, LogLevel.Debug, "Session {Sid} upgraded to WebSocket.")]
    public static partial void Upgraded(ILogger logger, string sid);

    [LoggerMessage(112, LogLevel.Debug, "Session {Sid} did not complete its upgrade: {Detail}.")]
    public static partial void UpgradeFailed(ILogger logger, string sid, string detail);

    [LoggerMessage(113, LogLevel.Debug, "Session {Sid} transport failed: {Detail}.")]
    public static partial void TransportFailed(ILogger logger, string sid, string detail);

    [LoggerMessage(114, LogLevel.Error, "The handler of session {Sid} threw.")]
    public static partial void HandlerFailed(ILogger logger, string sid, Exception exception);

    [LoggerMessage(115, LogLevel.Error, "A close callback of session {Sid} threw.")]
    public static partial void CallbackFailed(ILogger logger, string sid, Exception exception);

    [LoggerMessage(116, LogLevel.Error, "Heartbeat check of session {Sid} failed.")]
    public static partial void HeartbeatFailed(ILogger logger, string sid, Exception exception);

    [LoggerMessage(117, LogLevel.Warning, "WebSocket from foreign origin '{Origin}' refused: no CORS policy allows it.")]
    public static partial void CrossOriginWebSocketRefused(ILogger logger, string origin);

    [LoggerMessage(118, LogLevel.Information, "Session {Sid} already upgraded or upgrading: second WebSocket closed.")]
    public static partial void DuplicateWebSocketRefused(ILogger logger, string sid);

    [LoggerMessage(119, LogLevel.Debug, "Client broke off its {Method} {Query} request: {Detail}")]
    public static partial void RequestAbortedByClient(ILogger logger, string method, string query, string detail);

    [LoggerMessage(120, LogLevel.Debug, "Session {Sid} broke off a POST before its body was complete; closing it (its packets are lost).")]
    public static partial void PostAborted(ILogger logger, string sid);

    [LoggerMessage(121, LogLevel.Debug, "Session {Sid} was closed by its client; the poll it sent before the close came after it and gets a noop.")]
    public static partial void LatePollAnswered(ILogger logger, string sid);
}
