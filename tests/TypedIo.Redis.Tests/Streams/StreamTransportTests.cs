using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TypedIo.Redis.Cluster;
using TypedIo.Redis.Streams;
using TypedIo.Redis.Tests.Infrastructure;

namespace TypedIo.Redis.Tests.Streams;

/// <summary>
/// The stream I/O of the streams adapter on a real redis-server, below the cluster layer: two hubs (two nodes) write
/// and read msgpack cluster messages through the stream, also across a Redis stop and restart.
/// </summary>
public sealed class StreamTransportTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private RedisServer _redis = null!;
    private readonly List<IDisposable> _disposables = [];

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var disposable in _disposables)
            disposable.Dispose();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task Entries_are_read_by_the_other_node_in_order_with_their_ids_and_laid_out_as_node_s()
    {
        var (writer, _) = Node("aaaa");
        var (reader, received) = Node("bbbb");
        await Task.WhenAll(writer.Ready, reader.Ready);

        var ids = new List<string?>();
        for (var i = 0; i < 50; i++)
            ids.Add(await writer.PublishAsync(Message("aaaa", 3, i)));

        var got = await received.WaitForAsync(50);
        Assert.Equal(Enumerable.Range(0, 50), got.Select(m => m.N));
        Assert.Equal(ids, got.Select(m => m.Offset));
        Assert.All(got, m => Assert.Equal("aaaa", m.Uid));

        await using var redis = await ConnectionMultiplexer.ConnectAsync(_redis.Endpoint);
        var entries = await redis.GetDatabase().StreamRangeAsync("socket.io", "-", "+", count: 1);
        Assert.Equal(["uid", "nsp", "type", "data"], entries[0].Values.Select(v => (string)v.Name!));
        Assert.Equal(["aaaa", "/", "3", """{"n":0,"packet":{"type":2,"data":["hello"],"nsp":"/"}}"""], entries[0].Values.Select(v => (string)v.Value!));
    }

    [Theory]
    [InlineData("resp2")]
    [InlineData("resp3")]
    public async Task The_reader_understands_both_redis_protocols(string protocol)
    {
        var (writer, _) = Node("aaaa");
        var (reader, received) = Node("bbbb", o => o.Configuration += ",protocol=" + protocol);
        await Task.WhenAll(writer.Ready, reader.Ready);
        for (var i = 0; i < 3; i++)
            await writer.PublishAsync(Message("aaaa", 3, i));
        var got = await received.WaitForAsync(3);
        Assert.Equal([0, 1, 2], got.Select(m => m.N));
    }

    [Fact]
    public async Task Ephemeral_messages_go_through_pub_sub_and_are_not_stored()
    {
        var (writer, _) = Node("aaaa");
        var (reader, received) = Node("bbbb");
        await Task.WhenAll(writer.Ready, reader.Ready);

        Assert.Null(await writer.PublishAsync(Message("aaaa", 9, 1)));
        var got = await received.WaitForAsync(1);
        Assert.Null(got[0].Offset);
        Assert.Equal(2, await writer.ServerCountAsync());
        await using var redis = await ConnectionMultiplexer.ConnectAsync(_redis.Endpoint);
        Assert.Equal(0, await redis.GetDatabase().StreamLengthAsync("socket.io"));
    }

    [Fact]
    public async Task Entries_written_while_redis_is_down_wait_and_reach_the_other_node_after_the_restart()
    {
        var (writer, _) = Node("aaaa");
        var (reader, received) = Node("bbbb");
        await Task.WhenAll(writer.Ready, reader.Ready);
        for (var i = 0; i < 5; i++)
            await writer.PublishAsync(Message("aaaa", 3, i));
        await received.WaitForAsync(5);

        await _redis.StopAsync();
        var pending = Enumerable.Range(5, 20).Select(i => writer.PublishAsync(Message("aaaa", 3, i))).ToList();
        Assert.All(pending, task => Assert.False(task.IsCompleted));
        await _redis.StartAgainAsync();

        var ids = await Task.WhenAll(pending).WaitAsync(Timeout);
        Assert.All(ids, id => Assert.Matches("^[0-9]+-[0-9]+$", id));
        await writer.PublishAsync(Message("aaaa", 3, 25));
        var got = await received.WaitForAsync(26);
        // Every entry exactly once, in the order it was sent (a duplicate would come before the last one): the reader
        // went on after the last id it had read.
        Assert.Equal(Enumerable.Range(0, 26), got.Select(m => m.N));
    }

    [Fact]
    public async Task Past_the_buffer_bound_entries_are_dropped_counted_and_logged()
    {
        var logs = new LogCollector();
        var (writer, _) = Node("aaaa", o => o.MaxBufferedEntries = 5, logs);
        var (reader, received) = Node("bbbb");
        await Task.WhenAll(writer.Ready, reader.Ready);
        long counted = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "typedio.redis.streams.entries.dropped")
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref counted, value));
        listener.Start();

        await _redis.StopAsync();
        var pending = Enumerable.Range(0, 20).Select(i => writer.PublishAsync(Message("aaaa", 3, i))).ToList();
        var dropped = pending.Count(t => t.IsCompletedSuccessfully && t.Result is null);
        // At most the bound waits, plus the entry the writer is retrying.
        Assert.InRange(dropped, 20 - 5 - 1, 20 - 5);
        Assert.Equal(dropped, Interlocked.Read(ref counted));
        Assert.Contains(logs.Lines, l => l.Contains("buffer for Redis stream socket.io is full (5 entries)", StringComparison.Ordinal));
        await _redis.StartAgainAsync();

        var ids = await Task.WhenAll(pending).WaitAsync(Timeout);
        // Exactly the entries that were kept (the writer may take one out of the full buffer between two sends, so they
        // need not be the first ones), once each and in order.
        var kept = Enumerable.Range(0, 20).Where(i => ids[i] is not null).ToArray();
        Assert.Equal(20 - dropped, kept.Length);
        var got = await received.WaitForAsync(kept.Length);
        Assert.Equal(kept, got.Select(m => m.N));
        await WaitUntilAsync(() => logs.Lines.Any(l => l.Contains($"{dropped} cluster messages were dropped", StringComparison.Ordinal)));
    }

    [Fact]
    public void Binary_data_is_written_as_base64_msgpack_and_read_back_unchanged()
    {
        byte[] bytes = [0, 1, 254, 255];
        var message = new ClusterMessage(ClusterMessageType.Broadcast, "aaaa", "/",
            """{"packet":{"type":2,"data":["bin",{"_placeholder":true,"num":0}]}}"""u8.ToArray(), [bytes]);
        var fields = StreamEntryCodec.Encode(message);
        var data = (string)fields[3].Value!;
        Assert.False(data.StartsWith('{'));
        // The msgpack Node's @msgpack/msgpack decodes: {packet: {type: 2, data: ["bin", <bin 0001feff>]}}.
        Assert.Equal("gaZwYWNrZXSCpHR5cGUCpGRhdGGSo2JpbsQEAAH+/w==", data);
        var decoded = StreamEntryCodec.Decode(new StreamEntry("1-0", fields))!;
        Assert.Equal("""{"packet":{"type":2,"data":["bin",{"_placeholder":true,"num":0}]}}""", System.Text.Encoding.UTF8.GetString(decoded.DataJson.Span));
        Assert.Equal(bytes, decoded.Attachments[0].ToArray());
        Assert.Equal(("aaaa", "/", ClusterMessageType.Broadcast), (decoded.Uid, decoded.Namespace, decoded.Type));
    }

    private (StreamsTransport Transport, Received Received) Node(string uid, Action<RedisStreamsAdapterOptions>? configure = null, LogCollector? logs = null)
    {
        var options = new RedisStreamsAdapterOptions { Configuration = _redis.Endpoint + ",connectTimeout=2000" };
        configure?.Invoke(options);
        var connection = new StreamsConnection(Options.Create(options), new ServiceCollection().BuildServiceProvider());
        var meter = new Meter("TypedIo.Redis.Tests." + uid);
        var logger = (ILogger?)logs ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        var hub = new StreamsHub(connection, meter, logger);
        _disposables.Add(hub);
        _disposables.Add(meter);
        var received = new Received();
        var transport = new StreamsTransport(hub, "/", uid, received.Add, out _);
        return (transport, received);
    }

    /// <summary>A cluster message <c>{uid, nsp, type, data: {n, packet}}</c>.</summary>
    private static ClusterMessage Message(string uid, int type, int n) =>
        new((ClusterMessageType)type, uid, "/", System.Text.Encoding.UTF8.GetBytes(
            $$$"""{"n":{{{n}}},"packet":{"type":2,"data":["hello"],"nsp":"/"}}"""));

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("The condition did not become true in time.");
            await Task.Delay(20);
        }
    }

    private sealed record Got(string? Uid, int N, string? Offset);

    /// <summary>What a node's transport handed up, in order.</summary>
    private sealed class Received
    {
        private readonly List<Got> _messages = [];

        public void Add(ClusterMessage message, string? offset)
        {
            var n = message.TryGet("n"u8, out var value) ? value.GetInt32() : -1;
            lock (_messages)
                _messages.Add(new Got(message.Uid, n, offset));
        }

        public async Task<List<Got>> WaitForAsync(int count)
        {
            await WaitUntilAsync(() =>
            {
                lock (_messages)
                    return _messages.Count >= count;
            });
            lock (_messages)
                return [.. _messages];
        }
    }

    /// <summary>Keeps every formatted log line.</summary>
    private sealed class LogCollector : ILogger
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public IEnumerable<string> Lines => _lines;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _lines.Enqueue(formatter(state, exception) + (exception is null ? "" : " " + exception));
    }
}
