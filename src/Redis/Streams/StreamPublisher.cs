using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace TypedIo.Redis.Streams;

/// <summary>
/// Writes stream entries (<c>XADD name MAXLEN ~ n * ...</c>) one at a time and in the order they were given, from a
/// bounded in-memory queue: while Redis cannot take them (down, restarting, unreachable) they wait, and each one is
/// retried until it is written, so a short outage loses nothing. Past <see cref="RedisStreamsAdapterOptions.MaxBufferedEntries"/>
/// waiting entries, a new entry is dropped: counted on <c>typedio.redis.streams.entries.dropped</c> and logged (the
/// first drop of an outage, then a total when the queue has drained).
/// </summary>
/// <remarks>
/// An entry whose <c>XADD</c> reached Redis but whose answer was lost with the connection is written again: across
/// such a failure delivery is at least once, not exactly once.
/// </remarks>
internal sealed class StreamPublisher
{
    private readonly IConnectionMultiplexer _connection;
    private readonly RedisStreamsAdapterOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationToken _stopping;
    private readonly Channel<PendingEntry> _queue;
    private readonly Counter<long> _dropped;
    private long _droppedInOutage;
    private long _droppedTotal;

    public StreamPublisher(IConnectionMultiplexer connection, RedisStreamsAdapterOptions options, Meter meter, ILogger logger, CancellationToken stopping)
    {
        _connection = connection;
        _options = options;
        _logger = logger;
        _stopping = stopping;
        _queue = Channel.CreateBounded<PendingEntry>(new BoundedChannelOptions(Math.Max(1, options.MaxBufferedEntries))
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _dropped = meter.CreateCounter<long>("typedio.redis.streams.entries.dropped", "{entry}",
            "Stream entries (broadcasts, remote joins, leaves, disconnects) dropped because the buffer for an unreachable Redis was full.");
        meter.CreateObservableGauge("typedio.redis.streams.entries.buffered", () => (long)_queue.Reader.Count, "{entry}",
            "Stream entries waiting to be written to Redis.");
        Completion = Task.Run(RunAsync, CancellationToken.None);
    }

    /// <summary>Entries waiting (the one being written excluded).</summary>
    public int Buffered => _queue.Reader.Count;

    /// <summary>Entries dropped since the start.</summary>
    public long Dropped => Interlocked.Read(ref _droppedTotal);

    public Task Completion { get; }

    /// <summary>
    /// Queues an entry; the task completes with its stream id once written, or with null when it was dropped (buffer
    /// full) or the adapter closed first. Never throws and never waits for Redis.
    /// </summary>
    public Task<string?> Enqueue(string stream, NameValueEntry[] fields, string nsp, int type)
    {
        var entry = new PendingEntry(stream, fields, nsp, type);
        if (_queue.Writer.TryWrite(entry))
            return entry.Written.Task;
        Interlocked.Increment(ref _droppedTotal);
        _dropped.Add(1, new KeyValuePair<string, object?>("namespace", nsp));
        if (Interlocked.Increment(ref _droppedInOutage) == 1)
            RedisLog.StreamEntryDropped(_logger, type, nsp, stream, _options.MaxBufferedEntries);
        return Task.FromResult<string?>(null);
    }

    private async Task RunAsync()
    {
        try
        {
            await foreach (var entry in _queue.Reader.ReadAllAsync(_stopping).ConfigureAwait(false))
                await WriteAsync(entry).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        while (_queue.Reader.TryRead(out var left))
            left.Written.TrySetResult(null);
    }

    private async Task WriteAsync(PendingEntry entry)
    {
        var failing = false;
        var delay = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            try
            {
                var id = await _connection.GetDatabase().StreamAddAsync(entry.Stream, entry.Fields,
                    maxLength: _options.MaxLen, useApproximateMaxLength: true).ConfigureAwait(false);
                if (failing)
                    RedisLog.StreamWriteResumed(_logger, entry.Stream, _queue.Reader.Count);
                if (_queue.Reader.Count == 0 && Interlocked.Exchange(ref _droppedInOutage, 0) is var dropped and > 0)
                    RedisLog.StreamEntriesDroppedTotal(_logger, dropped, entry.Stream);
                entry.Written.TrySetResult(id.ToString());
                return;
            }
            catch (Exception ex) when (!_stopping.IsCancellationRequested)
            {
                if (!failing)
                {
                    failing = true;
                    RedisLog.StreamWriteFailed(_logger, entry.Stream, _options.MaxBufferedEntries, ex);
                }
                try
                {
                    await Task.Delay(delay, _stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    entry.Written.TrySetResult(null);
                    return;
                }
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(1).Ticks));
            }
            catch (Exception)
            {
                entry.Written.TrySetResult(null);
                return;
            }
        }
    }

    private sealed record PendingEntry(string Stream, NameValueEntry[] Fields, string Namespace, int Type)
    {
        public TaskCompletionSource<string?> Written { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
