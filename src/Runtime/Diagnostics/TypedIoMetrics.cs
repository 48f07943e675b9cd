using System.Diagnostics.Metrics;

namespace TypedIo.Diagnostics;

/// <summary>
/// TypedIo's instruments on the <c>TypedIo</c> meter (names in docs/observability.md). Created through
/// <see cref="IMeterFactory"/> when DI has one (so tests and hosts see their own meter), otherwise on one shared meter.
/// Every method checks <see cref="Instrument.Enabled"/> first: with nobody listening nothing is allocated.
/// </summary>
internal sealed class TypedIoMetrics
{
    /// <summary>Connection durations are mostly seconds to hours: Kestrel's connection-duration buckets.</summary>
    private static readonly double[] DurationBuckets = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];

    private static readonly Lazy<TypedIoMetrics> SharedInstance = new(() => new TypedIoMetrics(new Meter(TypedIoTelemetry.MeterName)));

    private readonly UpDownCounter<long> _connections;
    private readonly Histogram<double> _connectionDuration;
    private readonly Counter<long> _packetsReceived;
    private readonly Counter<long> _packetsSent;
    private readonly Counter<long> _bytesReceived;
    private readonly Counter<long> _bytesSent;
    private readonly Counter<long> _ackTimeouts;
    private readonly Counter<long> _packetsRejected;

    private TypedIoMetrics(Meter meter)
    {
        _connections = meter.CreateUpDownCounter<long>(
            "typedio.socket.connections", "{socket}", "Sockets connected to a namespace.");
        _connectionDuration = meter.CreateHistogram(
            "typedio.socket.connection.duration", "s", "How long sockets stayed connected to a namespace.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _packetsReceived = meter.CreateCounter<long>(
            "typedio.socket.packets.received", "{packet}", "Socket.IO packets received (decoded).");
        _packetsSent = meter.CreateCounter<long>(
            "typedio.socket.packets.sent", "{packet}", "Socket.IO packets queued to clients, one per recipient.");
        _bytesReceived = meter.CreateCounter<long>(
            "typedio.engine.bytes.received", "By", "Bytes of the Engine.IO packets received.");
        _bytesSent = meter.CreateCounter<long>(
            "typedio.engine.bytes.sent", "By", "Bytes of the Engine.IO packets written to transports.");
        _ackTimeouts = meter.CreateCounter<long>(
            "typedio.socket.ack.timeouts", "{ack}", "Acks a client did not answer in time (one per socket of a broadcast).");
        _packetsRejected = meter.CreateCounter<long>(
            "typedio.socket.packets.rejected", "{packet}", "Packets refused, failed to parse, or delayed by back-pressure.");
    }

    /// <summary>The shared instruments, for servers created without DI.</summary>
    public static TypedIoMetrics Shared => SharedInstance.Value;

    /// <summary>Instruments on the meter of <paramref name="factory"/>, or the shared ones without a factory.</summary>
    public static TypedIoMetrics Create(IMeterFactory? factory) =>
        factory is null ? Shared : new TypedIoMetrics(factory.Create(new MeterOptions(TypedIoTelemetry.MeterName)));

    /// <summary>Whether connection counting is on; the socket remembers it to decrement only what it incremented.</summary>
    public bool SocketConnected(string nsp)
    {
        if (!_connections.Enabled)
            return false;
        _connections.Add(1, new KeyValuePair<string, object?>(TypedIoTelemetry.NamespaceTag, nsp));
        return true;
    }

    public void SocketDisconnected(string nsp, bool counted, string reason, TimeSpan duration)
    {
        if (counted)
            _connections.Add(-1, new KeyValuePair<string, object?>(TypedIoTelemetry.NamespaceTag, nsp));
        if (_connectionDuration.Enabled)
        {
            _connectionDuration.Record(duration.TotalSeconds,
                new KeyValuePair<string, object?>(TypedIoTelemetry.NamespaceTag, nsp),
                new KeyValuePair<string, object?>(TypedIoTelemetry.DisconnectReasonTag, reason));
        }
    }

    /// <summary>A decoded packet; <paramref name="nsp"/> is null unless it went to a joined namespace (client-chosen names are not tags).</summary>
    public void PacketReceived(string? nsp)
    {
        if (!_packetsReceived.Enabled)
            return;
        if (nsp is null)
            _packetsReceived.Add(1);
        else
            _packetsReceived.Add(1, new KeyValuePair<string, object?>(TypedIoTelemetry.NamespaceTag, nsp));
    }

    /// <summary><paramref name="count"/> packets queued; <paramref name="nsp"/> is null for replies to a namespace that does not exist.</summary>
    public void PacketsSent(string? nsp, int count)
    {
        if (count == 0 || !_packetsSent.Enabled)
            return;
        if (nsp is null)
            _packetsSent.Add(count);
        else
            _packetsSent.Add(count, new KeyValuePair<string, object?>(TypedIoTelemetry.NamespaceTag, nsp));
    }

    public void BytesReceived(string transport, int bytes)
    {
        if (_bytesReceived.Enabled)
            _bytesReceived.Add(bytes, new KeyValuePair<string, object?>(TypedIoTelemetry.TransportTag, transport));
    }

    /// <summary>Whether bytes sent are counted (so a polling response sums its frames only then).</summary>
    public bool BytesSentEnabled => _bytesSent.Enabled;

    public void BytesSent(string transport, long bytes)
    {
        if (bytes != 0 && _bytesSent.Enabled)
            _bytesSent.Add(bytes, new KeyValuePair<string, object?>(TypedIoTelemetry.TransportTag, transport));
    }

    public void AckTimedOut(string nsp, int count)
    {
        if (count != 0 && _ackTimeouts.Enabled)
            _ackTimeouts.Add(count, new KeyValuePair<string, object?>(TypedIoTelemetry.NamespaceTag, nsp));
    }

    /// <summary>A rejected packet; <paramref name="nsp"/> only when it names a namespace that exists.</summary>
    public void PacketRejected(string reason, string? nsp = null)
    {
        if (!_packetsRejected.Enabled)
            return;
        if (nsp is null)
            _packetsRejected.Add(1, new KeyValuePair<string, object?>(TypedIoTelemetry.RejectionReasonTag, reason));
        else
            _packetsRejected.Add(1,
                new KeyValuePair<string, object?>(TypedIoTelemetry.RejectionReasonTag, reason),
                new KeyValuePair<string, object?>(TypedIoTelemetry.NamespaceTag, nsp));
    }
}
