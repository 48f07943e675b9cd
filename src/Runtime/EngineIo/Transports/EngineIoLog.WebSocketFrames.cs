using Microsoft.Extensions.Logging;

namespace TypedIo.EngineIo;

internal static partial class EngineIoLog
{
    [LoggerMessage(150, LogLevel.Warning, "Session {Sid} sent a WebSocket frame that was refused with close code {Code}: {Reason}.")]
    public static partial void WebSocketFrameRefused(ILogger logger, string sid, int code, string reason);
}
