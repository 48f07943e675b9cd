using System.Diagnostics;
using System.Globalization;

/// <summary>
/// A .NET startup hook (<c>DOTNET_STARTUP_HOOKS=TypedIo.Benchmarks.CounterHook.dll</c>) that samples runtime counters
/// of an unmodified server process once a second into <c>TYPEDIO_COUNTERS_FILE</c>: allocated bytes, thread-pool work
/// items, lock contentions, GCs, heap size. Divided by the load generator's message count they give per-message costs.
/// The other variables it reads switch on the other diagnostics: <c>TYPEDIO_EXCEPTIONS_FILE</c>, <c>TYPEDIO_ALLOCATIONS_FILE</c>,
/// <c>TYPEDIO_GCINFO_FILE</c> (<see cref="GcMemoryReport"/>), <c>TYPEDIO_GCEVENTS_FILE</c> (<see cref="GcEventLog"/>).
/// </summary>
#pragma warning disable CA1050 // A startup hook must be a type named StartupHook in no namespace.
internal static class StartupHook
#pragma warning restore CA1050
{
    public static void Initialize()
    {
        // First, so that the collections of the start-up are in it too. The runtime keeps every listener alive.
        var gcEvents = Environment.GetEnvironmentVariable("TYPEDIO_GCEVENTS_FILE");
        if (!string.IsNullOrEmpty(gcEvents))
            _ = new GcEventLog(gcEvents);
        var path = Environment.GetEnvironmentVariable("TYPEDIO_COUNTERS_FILE");
        if (!string.IsNullOrEmpty(path))
            new Thread(() => Sample(path)) { IsBackground = true, Name = "counter-hook" }.Start();
        var exceptions = Environment.GetEnvironmentVariable("TYPEDIO_EXCEPTIONS_FILE");
        if (!string.IsNullOrEmpty(exceptions))
            CountExceptions(exceptions);
        var allocations = Environment.GetEnvironmentVariable("TYPEDIO_ALLOCATIONS_FILE");
        if (!string.IsNullOrEmpty(allocations))
            new Thread(() => SampleAllocations(allocations)) { IsBackground = true, Name = "allocation-hook" }.Start();
        var gcInfo = Environment.GetEnvironmentVariable("TYPEDIO_GCINFO_FILE");
        if (!string.IsNullOrEmpty(gcInfo))
        {
            var trigger = Environment.GetEnvironmentVariable("TYPEDIO_GC_TRIGGER_FILE");
            new Thread(() => GcMemoryReport.Run(gcInfo, string.IsNullOrEmpty(trigger) ? null : trigger))
                { IsBackground = true, Name = "gcinfo-hook" }.Start();
        }
    }

    // First-chance exceptions by type and top frame, rewritten each second: exceptions on a hot path cost far more
    // CPU than their allocations show.
    private static void CountExceptions(string path)
    {
        var counts = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
        AppDomain.CurrentDomain.FirstChanceException += (_, e) =>
        {
            var frame = new StackTrace(e.Exception, false).GetFrame(0)?.GetMethod();
            counts.AddOrUpdate($"{e.Exception.GetType().Name} at {frame?.DeclaringType?.Name}.{frame?.Name}: {e.Exception.Message}", 1, (_, n) => n + 1);
        };
        new Thread(() =>
        {
            while (true)
            {
                Thread.Sleep(1000);
                File.WriteAllLines(path, counts.OrderByDescending(pair => pair.Value).Take(40)
                    .Select(pair => string.Create(CultureInfo.InvariantCulture, $"{pair.Value,10:N0}  {pair.Key}")));
            }
        }) { IsBackground = true, Name = "exception-hook" }.Start();
    }

    // TYPEDIO_ALLOCATIONS_FROM_S (default 5): seconds after start-up before sampling, so start-up and JIT tiering
    // allocations stay out. The file is rewritten each second: type, sampled bytes, share.
    private static void SampleAllocations(string path)
    {
        var from = int.TryParse(Environment.GetEnvironmentVariable("TYPEDIO_ALLOCATIONS_FROM_S"), out var s) ? s : 5;
        var sampler = new AllocationSampler();
        Thread.Sleep(TimeSpan.FromSeconds(from));
        sampler.Recording = true;
        while (true)
        {
            Thread.Sleep(1000);
            var rows = sampler.BytesByType.OrderByDescending(pair => pair.Value).ToList();
            var total = Math.Max(1, rows.Sum(pair => pair.Value));
            File.WriteAllLines(path, rows.Take(60).Select(pair =>
                string.Create(CultureInfo.InvariantCulture, $"{pair.Value,14:N0}  {100.0 * pair.Value / total,5:F1} %  {pair.Key}")));
        }
    }

    private static void Sample(string path)
    {
        // TYPEDIO_COUNTERS_LIVE=1: heap_kb is the live heap after a full collection each second (profiling only).
        var live = Environment.GetEnvironmentVariable("TYPEDIO_COUNTERS_LIVE") == "1";
        using var writer = new StreamWriter(path, append: false) { AutoFlush = true };
        writer.WriteLine("unix_ms\tallocated_bytes\tthreadpool_items\tlock_contentions\tgen0\tgen1\tgen2\tthreadpool_threads\theap_kb\tcpu_ms");
        var process = Process.GetCurrentProcess();
        while (true)
        {
            process.Refresh();
            writer.WriteLine(string.Join('\t',
                DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
                GC.GetTotalAllocatedBytes(precise: false),
                ThreadPool.CompletedWorkItemCount,
                Monitor.LockContentionCount,
                GC.CollectionCount(0),
                GC.CollectionCount(1),
                GC.CollectionCount(2),
                ThreadPool.ThreadCount,
                GC.GetTotalMemory(forceFullCollection: live) / 1024,
                ((long)process.TotalProcessorTime.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)));
            Thread.Sleep(1000);
        }
    }
}
