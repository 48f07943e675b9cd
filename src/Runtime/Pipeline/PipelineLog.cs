using Microsoft.Extensions.Logging;

namespace TypedIo;

/// <summary>Validation and authorization log messages. Event ids 400–499; never reuse one.</summary>
internal static partial class PipelineLog
{
    [LoggerMessage(400, LogLevel.Warning, "Socket {SocketId} was refused at namespace {Namespace} by the authorization of {Target}: {Code}.")]
    public static partial void ConnectionRefused(ILogger logger, string socketId, string @namespace, string target, string code);

    [LoggerMessage(401, LogLevel.Warning, "Socket {SocketId} sent '{EventName}', refused by the authorization of {Target}: {Code}.")]
    public static partial void EventRefused(ILogger logger, string socketId, string eventName, string target, string code);

    [LoggerMessage(402, LogLevel.Information, "Socket {SocketId} sent '{EventName}' with arguments that fail validation: {Paths}.")]
    public static partial void ValidationFailed(ILogger logger, string socketId, string eventName, string paths);
}
