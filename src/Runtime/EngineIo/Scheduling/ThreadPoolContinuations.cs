namespace TypedIo.EngineIo;

/// <summary>
/// The synchronization context a handler starts under in inline scheduling: an <c>await</c> in the handler captures it
/// and posts its continuation to the thread pool, instead of running it on whatever thread completed the awaited
/// operation (with inline socket completions, the socket engine's thread, which serves many connections).
/// </summary>
/// <remarks>
/// The base <see cref="SynchronizationContext"/> posts to the thread pool too, but <c>await</c> treats an instance of
/// the base type as no context at all; a derived type is what makes continuations use <see cref="Post"/>.
/// </remarks>
internal sealed class ThreadPoolContinuations : SynchronizationContext
{
    public static readonly ThreadPoolContinuations Instance = new();

    private ThreadPoolContinuations()
    {
    }

    public override void Post(SendOrPostCallback d, object? state) =>
        // The awaiting code has captured its ExecutionContext already and restores it: no second capture here.
        ThreadPool.UnsafeQueueUserWorkItem(static s => s.Callback(s.State), (Callback: d, State: state), preferLocal: false);

    public override SynchronizationContext CreateCopy() => this;
}
