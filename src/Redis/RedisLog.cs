using Microsoft.Extensions.Logging;

namespace TypedIo.Redis;

/// <summary>The log messages of the Redis adapters and emitter (event ids 4000-4099).</summary>
internal static partial class RedisLog
{
    [LoggerMessage(4000, LogLevel.Warning, "Dropped a malformed or foreign message on Redis channel {Channel}: {Reason}")]
    public static partial void MessageDropped(ILogger logger, string channel, string reason);

    [LoggerMessage(4001, LogLevel.Warning, "Subscribing to Redis channel {Channel} failed; retrying")]
    public static partial void SubscribeFailed(ILogger logger, string channel, Exception exception);

    [LoggerMessage(4002, LogLevel.Warning, "Publishing to Redis channel {Channel} failed")]
    public static partial void PublishFailed(ILogger logger, string channel, Exception exception);

    [LoggerMessage(4003, LogLevel.Warning, "Request {RequestType} to the other nodes of namespace {Namespace} timed out with {Answered} of {Expected} answers; completing with those")]
    public static partial void RequestTimedOut(ILogger logger, string requestType, string @namespace, int answered, int expected);

    [LoggerMessage(4004, LogLevel.Warning, "Counting the nodes of namespace {Namespace} (PUBSUB NUMSUB) failed; counting this node only")]
    public static partial void ServerCountFailed(ILogger logger, string @namespace, Exception exception);

    [LoggerMessage(4005, LogLevel.Debug, "Redis adapter {Uid} of namespace {Namespace} subscribed")]
    public static partial void Subscribed(ILogger logger, string uid, string @namespace);

    [LoggerMessage(4006, LogLevel.Warning, "Handling a message on Redis channel {Channel} failed")]
    public static partial void HandlingFailed(ILogger logger, string channel, Exception exception);

    [LoggerMessage(4007, LogLevel.Warning, "The Redis connection failed ({FailureType}, {Endpoint}); local clients stay connected, the cluster is reached again when it is restored")]
    public static partial void ConnectionFailed(ILogger logger, string failureType, string? endpoint);

    [LoggerMessage(4008, LogLevel.Information, "The Redis connection is restored ({Endpoint})")]
    public static partial void ConnectionRestored(ILogger logger, string? endpoint);

    [LoggerMessage(4009, LogLevel.Warning, "Publishing cluster message {MessageType} of namespace {Namespace} failed")]
    public static partial void ClusterPublishFailed(ILogger logger, string messageType, string @namespace, Exception exception);

    [LoggerMessage(4010, LogLevel.Debug, "Redis sharded adapter {Uid} of namespace {Namespace} subscribed")]
    public static partial void ShardedSubscribed(ILogger logger, string uid, string @namespace);
}
