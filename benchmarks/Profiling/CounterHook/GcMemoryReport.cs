using System.Diagnostics;
using System.Globalization;
using System.Runtime;

/// <summary>
/// What the GC says about its own memory, once a second (<c>TYPEDIO_GCINFO_FILE</c>, one line per sample): the heap and
/// its fragmentation by generation as of the last GC, the bytes committed, pinned objects, the GC's mode, the number of
/// threads. Read next to <c>/proc/PID/smaps</c>, it tells how much of the RSS is the GC heap and how much of that is free.
/// <para>
/// <c>TYPEDIO_GC_TRIGGER_FILE</c> (diagnostic only): when that file appears, its first word chooses a collection to
/// induce, <c>compact</c> (a blocking, compacting gen-2 GC with the large-object heap compacted too) or
/// <c>aggressive</c> (<see cref="GCCollectionMode.Aggressive"/>: compacts and decommits what it can); the file is
/// deleted and a line marked with the kind is written right after.
/// </para>
/// </summary>
internal static class GcMemoryReport
{
    private const string Header =
        "unix_ms\tevent\tserver_gc\tconcurrent\tprocessors\tthreads\tgc_index\tgc_kind\tcompacted\tpromoted_kb\tpinned_objects\t" +
        "heap_kb\tfragmented_kb\tcommitted_kb\ttotal_memory_kb\tallocated_kb\t" +
        "gen0_kb\tgen0_frag_kb\tgen1_kb\tgen1_frag_kb\tgen2_kb\tgen2_frag_kb\tloh_kb\tloh_frag_kb\tpoh_kb\tpoh_frag_kb\t" +
        "gen0_count\tgen1_count\tgen2_count\tpause_ms_total";

    public static void Run(string path, string? triggerPath)
    {
        using var writer = new StreamWriter(path, append: false) { AutoFlush = true };
        writer.WriteLine(Header);
        using var process = Process.GetCurrentProcess();
        while (true)
        {
            if (triggerPath is not null && File.Exists(triggerPath))
            {
                var kind = File.ReadAllText(triggerPath).Trim();
                File.Delete(triggerPath);
                Induce(kind);
                writer.WriteLine(Line(process, "after-" + kind));
            }
            writer.WriteLine(Line(process, "sample"));
            Thread.Sleep(1000);
        }
    }

    private static void Induce(string kind)
    {
        if (kind == "aggressive")
        {
            GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            return;
        }
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
    }

    private static string Line(Process process, string @event)
    {
        process.Refresh();
        var info = GC.GetGCMemoryInfo(GCKind.Any);
        var generations = info.GenerationInfo;
        var columns = new List<string>
        {
            DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            @event,
            GCSettings.IsServerGC ? "1" : "0",
            info.Concurrent ? "1" : "0",
            Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture),
            process.Threads.Count.ToString(CultureInfo.InvariantCulture),
            info.Index.ToString(CultureInfo.InvariantCulture),
            info.Generation.ToString(CultureInfo.InvariantCulture),
            info.Compacted ? "1" : "0",
            Kb(info.PromotedBytes),
            info.PinnedObjectsCount.ToString(CultureInfo.InvariantCulture),
            Kb(info.HeapSizeBytes),
            Kb(info.FragmentedBytes),
            Kb(info.TotalCommittedBytes),
            Kb(GC.GetTotalMemory(forceFullCollection: false)),
            Kb(GC.GetTotalAllocatedBytes(precise: false)),
        };
        for (var generation = 0; generation < 5; generation++)
        {
            var known = generation < generations.Length;
            columns.Add(known ? Kb(generations[generation].SizeAfterBytes) : "");
            columns.Add(known ? Kb(generations[generation].FragmentationAfterBytes) : "");
        }
        columns.Add(GC.CollectionCount(0).ToString(CultureInfo.InvariantCulture));
        columns.Add(GC.CollectionCount(1).ToString(CultureInfo.InvariantCulture));
        columns.Add(GC.CollectionCount(2).ToString(CultureInfo.InvariantCulture));
        columns.Add(((long)GC.GetTotalPauseDuration().TotalMilliseconds).ToString(CultureInfo.InvariantCulture));
        return string.Join('\t', columns);
    }

    private static string Kb(long bytes) => (bytes / 1024).ToString(CultureInfo.InvariantCulture);
}
