using Microsoft.Extensions.Logging;

namespace TypedIo.SocketIo;

/// <summary>Hosting log messages (Kestrel and process resources). Event ids 500–599; never reuse one.</summary>
internal static partial class HostingLog
{
    [LoggerMessage(500, LogLevel.Information, "Connections limited to {Budget}: open-file limit {Limit}, {Open} descriptors held at start, {Reserved} reserved.")]
    public static partial void ConnectionBudgetSet(ILogger logger, int budget, long limit, int open, int reserved);

    [LoggerMessage(501, LogLevel.Warning, "{Refused} connections refused: the server holds its maximum of {Capacity} connections (the open-file limit). Logged at most once per interval.")]
    public static partial void ConnectionsRefused(ILogger logger, long refused, int capacity);

    [LoggerMessage(502, LogLevel.Warning, "The open-file limit {Limit} leaves no descriptor for connections ({Open} held at start, {Reserved} reserved); connections are limited to 1. Raise the limit (ulimit -n) or lower ConnectionBudgetOptions.ReservedDescriptors.")]
    public static partial void NoDescriptorBudget(ILogger logger, long limit, int open, int reserved);
}
