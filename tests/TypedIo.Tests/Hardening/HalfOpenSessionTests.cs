using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using TypedIo.SocketIo;
using TypedIo.Tests.EngineIo;
using TypedIo.Tests.Infrastructure;
using TypedIo.Tests.SocketIo;

namespace TypedIo.Tests.Hardening;

/// <summary>
/// Runs alone: it measures the process's managed heap, which tests running beside it would disturb (tests/run.sh also runs it
/// in a test process of its own, after the rest, so that what earlier tests leave behind does not count against it).
/// </summary>
[CollectionDefinition(nameof(HalfOpenSessionTests), DisableParallelization = true)]
public sealed class HalfOpenSessionCollection;

/// <summary>
/// 10,000 half-open sessions (handshake, then silence) on each transport, opened by a separate Node process (each
/// WebSocket is a TCP connection: one file descriptor on each side, so client and server do not share one process's
/// limit): every one is forgotten by the server's own clock, pingInterval + pingTimeout after its handshake, and the
/// managed heap returns to where it was. <c>TYPEDIO_HALF_OPEN_COUNT</c> changes the count; the figures are printed
/// (<c>benchmarks/half-open.sh</c> collects them for docs/testing.md).
/// </summary>
[Collection(nameof(HalfOpenSessionTests))]
public sealed class HalfOpenSessionTests
{
    // Long enough that all of them are open at once (10,000 WebSockets take about 10 s on a busy 2-core machine).
    private static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(7);

    [Theory]
    [InlineData("polling")]
    [InlineData("websocket")]
    public async Task Ten_thousand_half_open_sessions_are_all_reaped_and_the_heap_returns_to_its_baseline(string transport)
    {
        var count = int.TryParse(Environment.GetEnvironmentVariable("TYPEDIO_HALF_OPEN_COUNT"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 10_000;
        var limit = DescriptorLimit.ReadSoftLimit() ?? long.MaxValue; // unknown or unlimited: assumed large enough
        Assert.True(limit >= count + 1_000, $"{count} WebSockets need {count + 1_000} file descriptors in this process and in Node's; the limit is {limit} (tests/run.sh raises it: ulimit -n)");
        await using var host = await SioTest.StartAsync(_ => { }, o =>
        {
            o.EngineIo.PingInterval = PingInterval;
            o.EngineIo.PingTimeout = PingTimeout;
            o.ConnectTimeout = TimeSpan.FromMinutes(10); // what reaps them here is the ping deadline
        });
        var engine = host.Services.GetRequiredService<SocketIoServer>().Engine;
        using var connections = new KestrelConnections(host);

        // Warm up (JIT, pools, the first connections), then take the baseline with those sessions still open.
        await using (var warm = NodeScript.Start("engineio/half-open.mjs", host.BaseAddress.ToString(), "polling", "200"))
            await warm.WaitForEventAsync("done");
        var baseline = Measure();

        var watch = Stopwatch.StartNew();
        await using var script = NodeScript.Start("engineio/half-open.mjs", host.BaseAddress.ToString(), transport, count.ToString(CultureInfo.InvariantCulture), "200");
        var peakSessions = 0;
        var opened = script.WaitForEventAsync("opened", TimeSpan.FromMinutes(2));
        while (!opened.IsCompleted)
        {
            peakSessions = Math.Max(peakSessions, engine.ClientsCount);
            await Task.WhenAny(opened, Task.Delay(5));
        }
        await opened;
        var openedAfter = watch.Elapsed;
        peakSessions = Math.Max(peakSessions, engine.ClientsCount);
        connections.Peak = connections.Active;
        var peak = Measure();
        Assert.True(openedAfter < PingInterval + PingTimeout, $"opening took {openedAfter}: sessions were reaped before all were open");
        Assert.Equal(count + 200, peakSessions); // all of them at once, the warm-up's too

        // Nothing more comes from the clients: the server's clock alone must end every session.
        await EioTestUtil.WaitUntilAsync(() => engine.ClientsCount == 0, "every session to be reaped", PingInterval + PingTimeout + TimeSpan.FromSeconds(30));
        var reapedAfter = watch.Elapsed;
        Assert.True(reapedAfter < openedAfter + PingInterval + PingTimeout + TimeSpan.FromSeconds(5), $"reaped after {reapedAfter}");
        if (transport == "websocket")
            Assert.Equal(count, (await script.WaitForEventAsync("closed", TimeSpan.FromSeconds(30))).GetProperty("count").GetInt32());
        // Kestrel lets go of a connection (its pipes, the WebSocket) once its TCP connection has ended, and the last
        // references go a few seconds later: wait (bounded) for the heap to come back rather than for a fixed time.
        await EioTestUtil.WaitUntilAsync(() => connections.Active == 0, "Kestrel to end every connection", TimeSpan.FromSeconds(60));
        var grown = peak.Heap - baseline.Heap;
        var after = Measure();
        using (var settle = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            while (after.Heap - baseline.Heap >= grown / 20 && !settle.IsCancellationRequested)
            {
                await Task.Delay(250, CancellationToken.None);
                after = Measure();
            }
        }
        var settledAfter = watch.Elapsed;

        Console.WriteLine($"half-open {transport}: {count} sessions opened in {openedAfter.TotalSeconds:0.0} s, all reaped at {reapedAfter.TotalSeconds:0.0} s " +
            $"(ping {PingInterval.TotalSeconds:0} s + {PingTimeout.TotalSeconds:0} s); managed heap {Mb(baseline.Heap)} → {Mb(peak.Heap)} → {Mb(after.Heap)} MB; " +
            $"RSS {Mb(baseline.Rss)} → {Mb(peak.Rss)} → {Mb(after.Rss)} MB (heap back at {settledAfter.TotalSeconds:0.0} s; {connections.Peak} connections at the peak)");
        Assert.True(grown > count * 1_000L, $"the peak ({Mb(peak.Heap)} MB) should show the sessions over the baseline ({Mb(baseline.Heap)} MB)");
        // Back to the baseline: what is left is under 5% of what the sessions took.
        Assert.True(after.Heap - baseline.Heap < grown / 20, $"managed heap {Mb(baseline.Heap)} → {Mb(peak.Heap)} → {Mb(after.Heap)} MB");
    }

    private static (long Heap, long Rss) Measure()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        using var self = Process.GetCurrentProcess();
        // The pinned object heap holds Kestrel's socket buffer pool, which Kestrel trims on its own schedule, not when
        // a connection ends: it is left out, so that the figure is what the sessions themselves kept.
        var pinned = GC.GetGCMemoryInfo(GCKind.Any).GenerationInfo[4].SizeAfterBytes;
        return (GC.GetTotalMemory(forceFullCollection: false) - pinned, self.WorkingSet64);
    }

    /// <summary>Kestrel's <c>kestrel.active_connections</c> of one host.</summary>
    private sealed class KestrelConnections : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _active;

        public KestrelConnections(TestHost host)
        {
            var factory = host.Services.GetRequiredService<IMeterFactory>();
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "Microsoft.AspNetCore.Server.Kestrel" && instrument.Name == "kestrel.active_connections" && instrument.Meter.Scope == factory)
                    listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _active, value));
            _listener.Start();
        }

        public long Active => Interlocked.Read(ref _active);

        public long Peak { get; set; }

        public void Dispose() => _listener.Dispose();
    }

    private static string Mb(long bytes) => (bytes / 1024d / 1024d).ToString("0.0", CultureInfo.InvariantCulture);
}
