using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Tests.SocketIo.Observability;

/// <summary>One measurement: instrument, value and tags.</summary>
internal sealed record Measurement(string Instrument, string? Unit, double Value, IReadOnlyDictionary<string, object?> Tags)
{
    public object? Tag(string name) => Tags.TryGetValue(name, out var value) ? value : null;
}

/// <summary>
/// Listens to the <c>TypedIo</c> meter of one host (the meter its <see cref="IMeterFactory"/> created, so tests running
/// in parallel do not see each other's measurements) and lets a test wait for what it expects.
/// </summary>
internal sealed class MeterRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly object _gate = new();
    private readonly List<Measurement> _measurements = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public MeterRecorder(TestHost host)
    {
        var factory = host.Services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name != "TypedIo" || instrument.Meter.Scope != factory)
                return;
            lock (_gate)
                Instruments.Add(instrument);
            listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>The instruments of that meter this recorder listens to.</summary>
    public List<Instrument> Instruments { get; } = [];

    public IReadOnlyList<Instrument> InstrumentsSnapshot()
    {
        lock (_gate)
            return [.. Instruments];
    }

    public IReadOnlyList<Measurement> Snapshot()
    {
        lock (_gate)
            return [.. _measurements];
    }

    /// <summary>The sum of the values of <paramref name="instrument"/> whose tags match <paramref name="filter"/>.</summary>
    public double Sum(string instrument, Func<Measurement, bool>? filter = null) =>
        Snapshot().Where(m => m.Instrument == instrument && (filter is null || filter(m))).Sum(m => m.Value);

    /// <summary>Waits until <paramref name="condition"/> holds for the measurements so far.</summary>
    public async Task WaitUntilAsync(Func<MeterRecorder, bool> condition, string what)
    {
        using var cts = new CancellationTokenSource(SioTest.Timeout);
        while (true)
        {
            Task changed;
            lock (_gate)
                changed = _changed.Task;
            if (condition(this))
                return;
            try
            {
                await changed.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Not within {SioTest.Timeout}: {what}. Measurements:\n{string.Join("\n", Snapshot())}");
            }
        }
    }

    private void Add<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        where T : struct
    {
        var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in tags)
            copy[tag.Key] = tag.Value;
        var measurement = new Measurement(instrument.Name, instrument.Unit, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture), copy);
        TaskCompletionSource changed;
        lock (_gate)
        {
            _measurements.Add(measurement);
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        changed.TrySetResult();
    }

    public void Dispose() => _listener.Dispose();
}
