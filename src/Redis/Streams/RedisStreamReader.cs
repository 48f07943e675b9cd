using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace TypedIo.Redis.Streams;

/// <summary>
/// Reads one Redis stream with <c>XREAD COUNT n BLOCK ms STREAMS name id</c> in a loop, as Node's streams adapter
/// does, and hands every entry to <c>onEntry</c> in stream order.
/// </summary>
/// <remarks>
/// StackExchange.Redis multiplexes every command of a connection on one socket, so a blocking <c>XREAD</c> would hold
/// up every other command on it: the reader gets a connection of its own (see <see cref="StreamsConnection"/>), used
/// by nothing else, whose async timeout is longer than the block time. Unlike Node's reader, which starts at <c>$</c>
/// and keeps asking for <c>$</c> until it has seen an entry (so entries added between two empty reads are missed),
/// this one starts at the id of the stream's last entry and from then on always reads after the last id it handled,
/// also across a Redis restart or a lost connection: nothing written by the other nodes in between is skipped, as
/// long as <c>MAXLEN</c> has not trimmed it.
/// </remarks>
internal sealed class RedisStreamReader
{
    private readonly IConnectionMultiplexer _connection;
    private readonly string _stream;
    private readonly RedisStreamsAdapterOptions _options;
    private readonly Action<StreamEntry> _onEntry;
    private readonly ILogger _logger;
    private readonly CancellationToken _stopping;
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public RedisStreamReader(IConnectionMultiplexer connection, string stream, RedisStreamsAdapterOptions options,
        Action<StreamEntry> onEntry, ILogger logger, CancellationToken stopping)
    {
        _connection = connection;
        _stream = stream;
        _options = options;
        _onEntry = onEntry;
        _logger = logger;
        _stopping = stopping;
        Completion = Task.Run(RunAsync, CancellationToken.None);
    }

    /// <summary>The id of the last entry handled (the stream's last entry when the reader started, <c>0-0</c> for an empty stream).</summary>
    public string? LastId { get; private set; }

    /// <summary>Where the reader started: the id of the stream's last entry then (<c>0-0</c> for an empty stream); null before.</summary>
    public string? StartId { get; private set; }

    /// <summary>Completes once the reader knows where it starts: entries added after that are read.</summary>
    public Task Started => _started.Task;

    /// <summary>Completes when the reader has stopped.</summary>
    public Task Completion { get; }

    private async Task RunAsync()
    {
        var failing = false;
        var delay = TimeSpan.FromMilliseconds(100);
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                var database = _connection.GetDatabase();
                if (LastId is null)
                {
                    StartId = await LastEntryIdAsync(database).ConfigureAwait(false);
                    LastId = StartId;
                    _started.TrySetResult();
                }
                var result = await database.ExecuteAsync("XREAD", "COUNT", _options.ReadCount,
                    "BLOCK", (long)_options.BlockTime.TotalMilliseconds, "STREAMS", _stream, LastId).ConfigureAwait(false);
                if (failing)
                {
                    failing = false;
                    delay = TimeSpan.FromMilliseconds(100);
                    RedisLog.StreamReadResumed(_logger, _stream, LastId);
                }
                if (result.IsNull)
                    continue;
                foreach (var entry in ParseEntries(result))
                {
                    // The id moves on even when handling fails: a message that cannot be handled is not read again.
                    LastId = entry.Id!;
                    try
                    {
                        _onEntry(entry);
                    }
                    catch (Exception ex)
                    {
                        RedisLog.StreamEntryFailed(_logger, _stream, entry.Id!, ex);
                    }
                }
            }
            catch (Exception ex) when (!_stopping.IsCancellationRequested)
            {
                if (!failing)
                {
                    failing = true;
                    RedisLog.StreamReadFailed(_logger, _stream, LastId, ex);
                }
                try
                {
                    await Task.Delay(delay, _stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
            }
        }
        _started.TrySetCanceled(CancellationToken.None);
    }

    /// <summary>The id of the stream's last entry, or <c>0-0</c> when the stream is empty or does not exist.</summary>
    private async Task<string> LastEntryIdAsync(IDatabase database)
    {
        var last = await database.StreamRangeAsync(_stream, "-", "+", count: 1, messageOrder: Order.Descending).ConfigureAwait(false);
        return last.Length == 0 ? "0-0" : last[0].Id!;
    }

    /// <summary>
    /// XREAD's answer as entries: <c>[[stream, [[id, [field, value, ...]], ...]]]</c> on RESP2, a map
    /// <c>{stream: [[id, [field, value, ...]], ...]}</c> (seen flattened as <c>[stream, entries, ...]</c>) on RESP3.
    /// </summary>
    internal static IEnumerable<StreamEntry> ParseEntries(RedisResult result)
    {
        var top = (RedisResult[])result!;
        var isMap = result.Resp3Type == ResultType.Map;
        for (var s = 0; s < top.Length; s += isMap ? 2 : 1)
        {
            var items = isMap ? (RedisResult[])top[s + 1]! : (RedisResult[])((RedisResult[])top[s]!)[1]!;
            foreach (var item in items)
            {
                var entry = (RedisResult[])item!;
                var flat = (RedisValue[])entry[1]!;
                var values = new NameValueEntry[flat.Length / 2];
                for (var i = 0; i < values.Length; i++)
                    values[i] = new NameValueEntry(flat[2 * i], flat[(2 * i) + 1]);
                yield return new StreamEntry((RedisValue)entry[0], values);
            }
        }
    }
}
