using System.Diagnostics;

namespace TypedIo.Benchmarks.LoadGenerator;

/// <summary>
/// The measurement window shared by the clients of one scenario: a warm-up, then a measured interval during which
/// completed messages and their latencies count, with the server's CPU time read from /proc at both ends.
/// </summary>
internal sealed class Window(Settings settings, string scenario, int clients)
{
    private readonly Histogram _histogram = new();
    private long _messages;
    private long _allMessages; // warm-up included: the per-second series
    private volatile bool _measuring;
    private volatile bool _stopping;

    public bool Stopping => _stopping;

    /// <summary>Within the measured interval (warm-up over, not yet stopping).</summary>
    public bool Measuring => _measuring;

    public Histogram Histogram => _histogram;

    public void Complete(long startTimestamp, long messages = 1)
    {
        Interlocked.Add(ref _allMessages, messages);
        if (!_measuring)
            return;
        var elapsed = Stopwatch.GetElapsedTime(startTimestamp);
        _histogram.Record((long)(elapsed.Ticks / 10.0));
        Interlocked.Add(ref _messages, messages);
    }

    public async Task<Measured> RunAsync()
    {
        using var series = new CancellationTokenSource();
        var sampling = settings.SeriesPath is null ? Task.CompletedTask : SampleSeriesAsync(settings.SeriesPath, series.Token);
        try
        {
            return await MeasureAsync().ConfigureAwait(false);
        }
        finally
        {
            series.Cancel();
            await sampling.ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Messages and server CPU in every second from the start of the load (warm-up included): how a fresh server
    /// process gets up to speed. Appends <c>server scenario clients round second messages server_cpu_s</c> rows.
    /// </summary>
    private async Task SampleSeriesAsync(string path, CancellationToken cancellationToken)
    {
        var rows = new System.Text.StringBuilder();
        if (!File.Exists(path))
            rows.Append("server\tscenario\tclients\tround\tsecond\tmessages\tserver_cpu_s\n");
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var second = 0;
        var messages0 = Interlocked.Read(ref _allMessages);
        var cpu0 = settings.ServerCpuTicks();
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                var messages1 = Interlocked.Read(ref _allMessages);
                var cpu1 = settings.ServerCpuTicks();
                second++;
                rows.Append(System.Globalization.CultureInfo.InvariantCulture,
                    $"{settings.ServerName}\t{scenario}\t{clients}\t{settings.Round}\t{second}\t{messages1 - messages0}\t{(cpu1 - cpu0) / (double)settings.ClockTicksPerSecond:0.###}\n");
                (messages0, cpu0) = (messages1, cpu1);
            }
        }
        catch (OperationCanceledException)
        {
        }
        File.AppendAllText(path, rows.ToString());
    }

    private async Task<Measured> MeasureAsync()
    {
        await Task.Delay(TimeSpan.FromSeconds(settings.WarmupSeconds)).ConfigureAwait(false);
        var cpu0 = settings.ServerCpuTicks();
        var client0 = Process.GetCurrentProcess().TotalProcessorTime;
        var allocated0 = GC.GetTotalAllocatedBytes(precise: true);
        var t0 = Stopwatch.GetTimestamp();
        _measuring = true;
        await Task.Delay(TimeSpan.FromSeconds(settings.DurationSeconds)).ConfigureAwait(false);
        _measuring = false;
        var seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        var cpu1 = settings.ServerCpuTicks();
        var client1 = Process.GetCurrentProcess().TotalProcessorTime;
        var allocated1 = GC.GetTotalAllocatedBytes(precise: true);
        _stopping = true;
        return new Measured(Interlocked.Read(ref _messages), seconds, (cpu1 - cpu0) / (double)settings.ClockTicksPerSecond, (client1 - client0).TotalSeconds, allocated1 - allocated0);
    }
}

/// <summary>What one measured window saw: messages, its length, both processes' CPU and the load generator's allocations.</summary>
internal readonly record struct Measured(long Messages, double Seconds, double ServerCpu, double ClientCpu, long ClientAllocatedBytes);
