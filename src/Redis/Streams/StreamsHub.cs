using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace TypedIo.Redis.Streams;

/// <summary>
/// What the namespaces of one server share on the streams adapter: the connections, one reader per stream (Node's
/// <c>createAdapter</c> starts one polling loop per stream, not per namespace), the entry writer, and the routing of
/// each read entry to the transport of its namespace.
/// </summary>
internal sealed class StreamsHub : IDisposable
{
    private readonly ConcurrentDictionary<string, StreamsTransport> _transports = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RedisStreamReader> _readers = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly ILogger _logger;

    public StreamsHub(StreamsConnection connection, Meter meter, ILogger logger)
    {
        Connection = connection;
        _logger = logger;
        Publisher = new StreamPublisher(connection.Multiplexer, connection.Options, meter, logger, _stopping.Token);
    }

    public StreamsConnection Connection { get; }

    public RedisStreamsAdapterOptions Options => Connection.Options;

    public StreamPublisher Publisher { get; }

    public ILogger Logger => _logger;

    /// <summary>Registers the transport of a namespace and starts the reader of its stream if none runs yet.</summary>
    public RedisStreamReader Register(StreamsTransport transport)
    {
        _transports[transport.Namespace] = transport;
        return _readers.GetOrAdd(transport.Stream, stream =>
            new RedisStreamReader(Connection.Reader, stream, Options, entry => OnEntry(stream, entry), _logger, _stopping.Token));
    }

    public void Unregister(StreamsTransport transport) =>
        _transports.TryRemove(new KeyValuePair<string, StreamsTransport>(transport.Namespace, transport));

    private void OnEntry(string stream, StreamEntry entry)
    {
        TypedIo.Redis.Cluster.ClusterMessage? message;
        string? nsp = null;
        try
        {
            foreach (var field in entry.Values)
            {
                if (field.Name == "nsp")
                    nsp = field.Value;
            }
            if (nsp is null || !_transports.ContainsKey(nsp))
                return;
            message = StreamEntryCodec.Decode(entry);
        }
        catch (FormatException ex)
        {
            RedisLog.StreamEntryMalformed(_logger, stream, entry.Id!, ex.Message);
            return;
        }
        if (message is not null && _transports.TryGetValue(nsp, out var transport))
            transport.OnStreamMessage(message, entry.Id!);
    }

    /// <summary>Stops the readers and the writer (entries still waiting are dropped) and closes the connections.</summary>
    public void Dispose()
    {
        _stopping.Cancel();
        // Closing the connections ends a blocking XREAD at once instead of at the end of its block time.
        Connection.Dispose();
        try
        {
            Task.WaitAll([.. _readers.Values.Select(r => r.Completion), Publisher.Completion], TimeSpan.FromSeconds(2));
        }
        catch (AggregateException)
        {
        }
    }
}
