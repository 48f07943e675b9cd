using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

/// <summary>
/// Samples the runtime's <c>GCAllocationTick</c> events (one per ~100 KB allocated, naming the type that crossed
/// the threshold) so a profile can say which types the per-message allocations are, without dotnet-trace.
/// The counts are samples: multiply by ~100 KB for bytes, compare them with each other rather than absolutely.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private const int AllocationTickEventId = 10;
    private readonly ConcurrentDictionary<string, long> _bytesByType = new();

    public volatile bool Recording;

    public IEnumerable<KeyValuePair<string, long>> BytesByType => _bytesByType;

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
            EnableEvents(source, EventLevel.Verbose, GcKeyword);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (!Recording || e.EventId != AllocationTickEventId || e.Payload is null || e.PayloadNames is null)
            return;
        var type = e.Payload[e.PayloadNames.IndexOf("TypeName")] as string ?? "?";
        var amountIndex = e.PayloadNames.IndexOf("AllocationAmount64");
        var amount = amountIndex >= 0 ? Convert.ToInt64(e.Payload[amountIndex]) : 100_000;
        _bytesByType.AddOrUpdate(type, amount, (_, total) => total + amount);
    }
}
