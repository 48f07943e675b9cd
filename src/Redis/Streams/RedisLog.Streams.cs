using Microsoft.Extensions.Logging;

namespace TypedIo.Redis;

// The log messages of the Redis streams adapter (event ids 4100-4199).
internal static partial class RedisLog
{
    [LoggerMessage(4100, LogLevel.Warning, "Reading Redis stream {Stream} failed after entry {LastId}; retrying, and reading on from that entry when Redis answers")]
    public static partial void StreamReadFailed(ILogger logger, string stream, string? lastId, Exception exception);

    [LoggerMessage(4101, LogLevel.Information, "Reading Redis stream {Stream} again, after entry {LastId}")]
    public static partial void StreamReadResumed(ILogger logger, string stream, string? lastId);

    [LoggerMessage(4102, LogLevel.Warning, "Handling entry {Id} of Redis stream {Stream} failed")]
    public static partial void StreamEntryFailed(ILogger logger, string stream, string id, Exception exception);

    [LoggerMessage(4103, LogLevel.Warning, "Writing to Redis stream {Stream} failed; entries wait in memory (at most {Limit}) and are written in order when Redis answers")]
    public static partial void StreamWriteFailed(ILogger logger, string stream, int limit, Exception exception);

    [LoggerMessage(4104, LogLevel.Information, "Writing to Redis stream {Stream} again; {Buffered} entries still waiting")]
    public static partial void StreamWriteResumed(ILogger logger, string stream, int buffered);

    [LoggerMessage(4105, LogLevel.Error, "Dropped a cluster message of type {Type} of namespace {Namespace}: the buffer for Redis stream {Stream} is full ({Limit} entries); later drops are counted on typedio.redis.streams.entries.dropped until it drains")]
    public static partial void StreamEntryDropped(ILogger logger, int type, string @namespace, string stream, int limit);

    [LoggerMessage(4106, LogLevel.Error, "{Count} cluster messages were dropped while Redis stream {Stream} could not be written")]
    public static partial void StreamEntriesDroppedTotal(ILogger logger, long count, string stream);

    [LoggerMessage(4107, LogLevel.Warning, "Dropped a malformed entry {Id} of Redis stream {Stream}: {Reason}")]
    public static partial void StreamEntryMalformed(ILogger logger, string stream, string id, string reason);

    [LoggerMessage(4108, LogLevel.Warning, "Dropped a malformed message on Redis channel {Channel}: {Reason}")]
    public static partial void StreamsChannelMessageMalformed(ILogger logger, string channel, string reason);

    [LoggerMessage(4109, LogLevel.Warning, "Publishing to Redis channel {Channel} failed")]
    public static partial void StreamsPublishFailed(ILogger logger, string channel, Exception exception);
}
