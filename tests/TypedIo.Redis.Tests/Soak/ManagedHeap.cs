using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace TypedIo.Redis.Tests.Soak;

/// <summary>
/// The managed heap of another .NET process, measured from outside as <c>dotnet-gcdump</c> does: an EventPipe session
/// with the runtime's <c>GCHeapCollect</c> keyword makes the process run a full blocking collection, and the
/// <c>GCHeapStats</c> event that follows it says how many bytes of each generation survived.
/// </summary>
/// <param name="LiveBytes">Bytes that survived the full collection in generations 0–2 and the large object heap.</param>
/// <param name="HeapBytes">The size of those generations right after it (their free space included).</param>
internal readonly record struct ManagedHeap(long LiveBytes, long HeapBytes)
{
    private const string RuntimeProvider = "Microsoft-Windows-DotNETRuntime";

    /// <summary>
    /// Induces a full blocking collection in process <paramref name="processId"/> and returns what survived it in
    /// generations 0–2 and the large object heap. The pinned object heap is left out: it holds Kestrel's socket buffer
    /// pool, which Kestrel trims on its own schedule, not when a connection ends.
    /// </summary>
    public static async Task<ManagedHeap> MeasureAsync(int processId, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var client = new DiagnosticsClient(processId);
        var keywords = (long)(ClrTraceEventParser.Keywords.GC | ClrTraceEventParser.Keywords.GCHeapCollect);
        using var session = await client.StartEventPipeSessionAsync(
            [new EventPipeProvider(RuntimeProvider, EventLevel.Informational, keywords)],
            requestRundown: false,
            circularBufferMB: 16,
            cts.Token).ConfigureAwait(false);
        var live = new TaskCompletionSource<ManagedHeap>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reading = Task.Factory.StartNew(() =>
        {
            try
            {
                using var source = new EventPipeEventSource(session.EventStream);
                var full = false;
                // The induced collection is a blocking one of generation 2; a background one (also depth 2) runs beside
                // the program and does not say what is live.
                source.Clr.GCStart += e => full = e.Depth == 2 && e.Type == GCType.NonConcurrentGC;
                source.Clr.GCHeapStats += e =>
                {
                    if (full)
                        live.TrySetResult(new ManagedHeap(
                            e.TotalPromotedSize0 + e.TotalPromotedSize1 + e.TotalPromotedSize2 + e.TotalPromotedSize3,
                            e.GenerationSize0 + e.GenerationSize1 + e.GenerationSize2 + e.GenerationSize3));
                };
                source.Process();
                live.TrySetException(new InvalidOperationException($"the EventPipe session of process {processId} ended without the statistics of a full collection"));
            }
            catch (Exception ex)
            {
                live.TrySetException(ex);
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            return await live.Task.WaitAsync(cts.Token).ConfigureAwait(false);
        }
        finally
        {
            try
            {
                await session.StopAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ServerNotAvailableException or IOException or TimeoutException)
            {
                // The process went away; the reading ends with its stream.
            }
            await reading.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
    }
}
