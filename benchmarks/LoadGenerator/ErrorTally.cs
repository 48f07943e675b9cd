using System.Net.Sockets;

namespace TypedIo.Benchmarks.LoadGenerator;

/// <summary>
/// The errors of one scenario run by kind (<c>closed: 3, timeout: 1</c>), the first message of each kind, and how many
/// clients the run lost (failed to connect, or dropped out before the end): a run that lost clients must not pass for
/// a slower one.
/// </summary>
internal sealed class ErrorTally
{
    private readonly Dictionary<string, (long Count, string First)> _kinds = new(StringComparer.Ordinal);
    private long _lost;

    public long Count
    {
        get
        {
            lock (_kinds)
                return _kinds.Values.Sum(k => k.Count);
        }
    }

    public int ClientsLost => (int)Interlocked.Read(ref _lost);

    /// <summary>Counts <paramref name="error"/> by its kind (see <see cref="KindOf"/>).</summary>
    public void Add(Exception error) => Add(KindOf(error), error.GetType().Name + ": " + error.Message);

    public void Add(string kind, string message)
    {
        lock (_kinds)
            _kinds[kind] = _kinds.TryGetValue(kind, out var seen) ? (seen.Count + 1, seen.First) : (1, message);
    }

    /// <summary>A client that could not connect or whose loop ended early, counted with the error that ended it.</summary>
    public void AddLost(Exception error)
    {
        Interlocked.Increment(ref _lost);
        Add(error);
    }

    /// <inheritdoc cref="AddLost(Exception)"/>
    public void AddLost(string kind, string message)
    {
        Interlocked.Increment(ref _lost);
        Add(kind, message);
    }

    /// <summary><c>closed: 3, timeout: 1</c>, most frequent first; empty without errors.</summary>
    public string Summary()
    {
        lock (_kinds)
            return string.Join(", ", _kinds.OrderByDescending(k => k.Value.Count).ThenBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Key}: {k.Value.Count}"));
    }

    public void Report(TextWriter writer)
    {
        lock (_kinds)
        {
            if (_kinds.Count == 0)
                return;
            writer.WriteLine($"  errors: {Summary()}" + (ClientsLost > 0 ? $"; {ClientsLost} client(s) lost" : ""));
            foreach (var (kind, (_, first)) in _kinds.OrderBy(k => k.Key, StringComparer.Ordinal))
                writer.WriteLine($"    first {kind}: {first}");
        }
    }

    /// <summary>closed (close frame or end of stream), reset (by the peer), aborted (locally), timeout, refused, protocol (unexpected bytes), or the exception's type.</summary>
    public static string KindOf(Exception error) => error switch
    {
        ConnectionClosedException => "closed",
        SocketException { SocketErrorCode: SocketError.ConnectionReset or SocketError.Shutdown } => "reset",
        SocketException { SocketErrorCode: SocketError.ConnectionAborted } => "aborted",
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } => "refused",
        SocketException { SocketErrorCode: SocketError.TimedOut } => "timeout",
        TimeoutException or OperationCanceledException => "timeout",
        InvalidDataException => "protocol",
        HttpRequestException { InnerException: { } inner } => KindOf(inner),
        IOException { InnerException: { } inner } => KindOf(inner),
        _ => error.GetType().Name,
    };
}
