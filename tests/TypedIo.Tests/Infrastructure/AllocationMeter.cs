namespace TypedIo.Tests.Infrastructure;

/// <summary>Bytes one call allocates on the calling thread, averaged over many calls after a few warm-up calls.</summary>
internal static class AllocationMeter
{
    public static double PerCall(Action call, int calls = 200)
    {
        for (var i = 0; i < 5; i++)
            call();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < calls; i++)
            call();
        return (double)(GC.GetAllocatedBytesForCurrentThread() - before) / calls;
    }
}
