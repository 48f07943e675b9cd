using System.Diagnostics.Tracing;
using System.Globalization;

/// <summary>
/// One line per garbage collection (<c>TYPEDIO_GCEVENTS_FILE</c>), assembled in the process from the runtime's own GC
/// events (keyword GC, level Informational): its number, generation, type and reason; each pause it caused from the
/// runtime's suspension to its restart, split into the time to suspend the threads, the GC's work and the restart; the
/// time and bytes of each kind of root the mark phase went through (<c>GCMarkWithType</c>: stacks, finalization queue,
/// handles, older generations' cards, dependent handles, objects newly ready for finalization); the bytes promoted
/// per generation, the finalizable objects promoted, pinned objects and GC handles (<c>GCHeapStats_V2</c>); and
/// whether it compacted (<c>GCGlobalHeapHistory</c>). A suspension of the runtime that no GC asked for (tiered
/// compilation, a debugger) gets a line of its own, generation -1.
/// <para>
/// Diagnostic only: nothing listens unless the variable is set. The events are dispatched to this listener on the
/// runtime's event thread, after the fact; their time stamps are the runtime's, taken when each was written.
/// </para>
/// </summary>
internal sealed class GcEventLog : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;

    private const int GCStart = 1;
    private const int GCEnd = 2;
    private const int GCRestartEEEnd = 3;
    private const int GCHeapStats = 4;
    private const int GCRestartEEBegin = 7;
    private const int GCSuspendEEEnd = 8;
    private const int GCSuspendEEBegin = 9;
    private const int GCMarkWithType = 202;
    private const int GCPerHeapHistory = 204;
    private const int GCGlobalHeapHistory = 205;

    // GC_ROOT_KIND (the runtime's gcenv): 0 stack, 1 finalization queue, 2 handles, 3 older generations (cards),
    // 4 sized references, 5 mark-stack overflow, 6 dependent handles, 7 objects newly ready for finalization.
    private const int RootKinds = 8;

    private static readonly string[] StatsNames =
    [
        "TotalPromotedSize0", "TotalPromotedSize1", "TotalPromotedSize2", "TotalPromotedSize3", "TotalPromotedSize4",
        "GenerationSize0", "GenerationSize1", "GenerationSize2", "GenerationSize3", "GenerationSize4", "FinalizationPromotedSize",
        "FinalizationPromotedCount", "PinnedObjectCount", "GCHandleCount",
    ];
    private const int StatsInKb = 11;

    internal const string Header =
        "gc\tgen\ttype\treason\tstart_unix_ms\tduration_ms\tpauses\tpause_ms\tsuspend_ms\trestart_ms\tsuspend_reason\t" +
        "mark_stack_ms\tmark_fq_ms\tmark_handles_ms\tmark_older_ms\tmark_sizedref_ms\tmark_overflow_ms\tmark_dh_ms\tmark_newfq_ms\tafter_mark_ms\t" +
        "marked_stack_kb\tmarked_fq_kb\tmarked_handles_kb\tmarked_older_kb\tmarked_sizedref_kb\tmarked_overflow_kb\tmarked_dh_kb\tmarked_newfq_kb\t" +
        "promoted_gen0_kb\tpromoted_gen1_kb\tpromoted_gen2_kb\tpromoted_loh_kb\tpromoted_poh_kb\t" +
        "gen0_kb\tgen1_kb\tgen2_kb\tloh_kb\tpoh_kb\tfinalization_promoted_kb\tfinalization_promoted_count\t" +
        "pinned_objects\tgc_handles\tcompacted\tglobal_mechanisms\tcompact_mechanisms\tcondemn_reasons\tthread\tpause_shared_with";

    private readonly object _lock = new();
    private readonly List<Collection> _open = [];
    private volatile StreamWriter? _writer;
    private Suspension? _suspension;

    public GcEventLog(string path)
    {
        var writer = new StreamWriter(path, append: false) { AutoFlush = true };
        writer.WriteLine(Header);
        _writer = writer;
    }

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
            EnableEvents(source, EventLevel.Informational, GcKeyword);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (_writer is null || e.Payload is null || e.PayloadNames is null)
            return;
        lock (_lock)
        {
            try
            {
                Handle(e);
            }
            catch (Exception ex) when (ex is InvalidCastException or FormatException or OverflowException or ArgumentException)
            {
                _writer.WriteLine("# " + e.EventName + ": " + ex.Message);
            }
        }
    }

    private void Handle(EventWrittenEventArgs e)
    {
        var at = e.TimeStamp;
        switch (e.EventId)
        {
            case GCSuspendEEBegin:
                _suspension = new Suspension { Begin = at, Reason = (int)Number(e, "Reason") };
                break;
            case GCSuspendEEEnd when _suspension is not null:
                _suspension.Suspended = at;
                break;
            case GCRestartEEBegin when _suspension is not null:
                _suspension.RestartBegin = at;
                break;
            case GCRestartEEEnd when _suspension is not null:
                _suspension.RestartEnd = at;
                EndSuspension(_suspension);
                _suspension = null;
                break;
            case GCStart:
            {
                var collection = new Collection
                {
                    Index = Number(e, "Count"),
                    Generation = (int)Number(e, "Depth"),
                    Type = (int)Number(e, "Type"),
                    Reason = (int)Number(e, "Reason"),
                    Start = at,
                    LastMark = at,
                    Thread = e.OSThreadId,
                };
                _open.Add(collection);
                _suspension?.Started.Add(collection);
                break;
            }
            case GCMarkWithType when Innermost() is { } collection:
            {
                var kind = (int)Number(e, "Type");
                if (kind is >= 0 and < RootKinds)
                {
                    collection.MarkMs[kind] += (at - collection.LastMark).TotalMilliseconds;
                    collection.MarkedBytes[kind] += Number(e, "Bytes");
                }
                collection.LastMark = at;
                break;
            }
            case GCGlobalHeapHistory when LatestWithout(c => c.Mechanisms is null) is { } collection:
                collection.Mechanisms = Number(e, "GlobalMechanisms");
                break;
            case GCPerHeapHistory when LatestWithout(c => c.CompactMechanisms is null) is { } collection:
                collection.CompactMechanisms = Number(e, "CompactMechanisms");
                collection.CondemnReasons = Number(e, "CondemnReasons0");
                break;
            case GCEnd:
            {
                var index = Number(e, "Count");
                var collection = _open.Find(c => c.Index == index && c.End is null);
                if (collection is not null)
                {
                    collection.End = at;
                    collection.AfterMarkMs = (at - collection.LastMark).TotalMilliseconds;
                }
                Flush();
                break;
            }
            case GCHeapStats when LatestWithout(c => c.Stats is null) is { } collection:
                collection.Stats = Array.ConvertAll(StatsNames, name => Number(e, name));
                Flush();
                break;
        }
    }

    private void EndSuspension(Suspension suspension)
    {
        // A GC that started in this suspension owns it; one that did not (a background GC's final mark) belongs to
        // the background GC in progress; any other is the runtime's own (tiered compilation, a debugger).
        var owner = suspension.Started.Count > 0 ? suspension.Started[0]
            : _open.FindLast(c => c.Type == 1 && c.End is null);
        if (owner is null)
        {
            Write(Line(null, suspension));
            return;
        }
        owner.Pauses.Add(suspension);
        // An ephemeral GC done first in the suspension of a background GC: the pause is counted once, on the first.
        foreach (var other in suspension.Started.Skip(1))
            other.PauseSharedWith = owner.Index;
        Flush();
    }

    private Collection? Innermost() => _open.FindLast(c => c.End is null);

    private Collection? LatestWithout(Predicate<Collection> missing) => _open.FindLast(missing);

    // A collection is written once it has ended, its stats have come, and no suspension of it is still open.
    private void Flush()
    {
        for (var i = 0; i < _open.Count; i++)
        {
            var c = _open[i];
            var pauseOpen = _suspension is not null && (_suspension.Started.Contains(c) || (c.Type == 1 && _suspension.Started.Count == 0));
            if (c.End is null || c.Stats is null || pauseOpen || (c.Type != 1 && c.Pauses.Count == 0 && c.PauseSharedWith is null))
                continue;
            Write(Line(c, null));
            _open.RemoveAt(i--);
        }
    }

    private void Write(string line) => _writer?.WriteLine(line);

    private static string Line(Collection? c, Suspension? alone)
    {
        var pauses = c?.Pauses ?? [alone!];
        var columns = new List<string>
        {
            c is null ? "" : c.Index.ToString(CultureInfo.InvariantCulture),
            c is null ? "-1" : c.Generation.ToString(CultureInfo.InvariantCulture),
            c is null ? "suspension" : c.Type switch { 0 => "blocking", 1 => "background", 2 => "foreground", _ => c.Type.ToString(CultureInfo.InvariantCulture) },
            c is null ? "" : c.Reason.ToString(CultureInfo.InvariantCulture),
            UnixMs(c?.Start ?? alone!.Begin),
            c is null ? "" : Ms((c.End!.Value - c.Start).TotalMilliseconds),
            pauses.Count.ToString(CultureInfo.InvariantCulture),
            Ms(pauses.Sum(p => ((p.RestartEnd ?? p.Begin) - p.Begin).TotalMilliseconds)),
            Ms(pauses.Sum(p => ((p.Suspended ?? p.Begin) - p.Begin).TotalMilliseconds)),
            Ms(pauses.Sum(p => p.RestartBegin is { } b && p.RestartEnd is { } e ? (e - b).TotalMilliseconds : 0)),
            string.Join(',', pauses.Select(p => p.Reason.ToString(CultureInfo.InvariantCulture))),
        };
        for (var kind = 0; kind < RootKinds; kind++)
            columns.Add(c is null ? "" : Ms(c.MarkMs[kind]));
        columns.Add(c is null ? "" : Ms(c.AfterMarkMs));
        for (var kind = 0; kind < RootKinds; kind++)
            columns.Add(c is null ? "" : Kb(c.MarkedBytes[kind]));
        var stats = c?.Stats;
        for (var i = 0; i < StatsNames.Length; i++)
            columns.Add(stats is null ? "" : i < StatsInKb ? Kb(stats[i]) : stats[i].ToString(CultureInfo.InvariantCulture));
        columns.Add(c?.Mechanisms is { } m ? ((m & 0x2) != 0 ? "1" : "0") : "");
        columns.Add(c?.Mechanisms is { } mechanisms ? "0x" + mechanisms.ToString("x", CultureInfo.InvariantCulture) : "");
        columns.Add(c?.CompactMechanisms is { } compact ? "0x" + compact.ToString("x", CultureInfo.InvariantCulture) : "");
        columns.Add(c?.CondemnReasons is { } condemn ? "0x" + condemn.ToString("x", CultureInfo.InvariantCulture) : "");
        columns.Add(c?.Thread.ToString(CultureInfo.InvariantCulture) ?? "");
        columns.Add(c?.PauseSharedWith?.ToString(CultureInfo.InvariantCulture) ?? "");
        return string.Join('\t', columns);
    }

    private static long Number(EventWrittenEventArgs e, string name)
    {
        var index = e.PayloadNames!.IndexOf(name);
        return index < 0 || e.Payload![index] is not { } value ? 0 : Convert.ToInt64(value, CultureInfo.InvariantCulture);
    }

    private static string UnixMs(DateTime at) =>
        (new DateTimeOffset(at.ToUniversalTime()).ToUnixTimeMilliseconds() + at.Ticks % TimeSpan.TicksPerMillisecond / 10_000.0)
            .ToString("F3", CultureInfo.InvariantCulture);

    private static string Ms(double ms) => ms.ToString("F3", CultureInfo.InvariantCulture);

    private static string Kb(long bytes) => (bytes / 1024.0).ToString("F1", CultureInfo.InvariantCulture);

    private sealed class Suspension
    {
        public DateTime Begin;
        public DateTime? Suspended;
        public DateTime? RestartBegin;
        public DateTime? RestartEnd;
        public int Reason;
        public List<Collection> Started { get; } = [];
    }

    private sealed class Collection
    {
        public long Index;
        public int Generation;
        public int Type;
        public int Reason;
        public DateTime Start;
        public DateTime LastMark;
        public DateTime? End;
        public double AfterMarkMs;
        public long? Mechanisms;
        public long? CompactMechanisms;
        public long? CondemnReasons;
        public long[]? Stats;
        public long? PauseSharedWith;
        public long Thread;
        public double[] MarkMs { get; } = new double[RootKinds];
        public long[] MarkedBytes { get; } = new long[RootKinds];
        public List<Suspension> Pauses { get; } = [];
    }
}
