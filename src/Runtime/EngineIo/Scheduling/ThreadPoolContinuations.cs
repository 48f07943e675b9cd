namespace TypedIo.EngineIo;

/// <summary>
/// The synchronization context a handler starts under in inline scheduling: an <c>await</c> in the handler captures it
/// and posts its continuation to the thread pool, instead of running it on whatever thread completed the awaited
/// operation (with inline socket completions, the socket engine's thread, which serves many connections). The
/// continuation runs under it again, so every later pending <c>await</c> of the handler does the same.
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
        ThreadPool.UnsafeQueueUserWorkItem(static s => Run(s.Callback, s.State), (Callback: d, State: state), preferLocal: false);

    /// <summary>
    /// Runs a continuation under this context too, as a context of a UI thread does: the handler's next pending
    /// <c>await</c> comes back to the thread pool as well. Without it the handler would go on, after its second pending
    /// <c>await</c>, on whatever thread completed that one (with inline socket completions, a socket engine's thread).
    /// </summary>
    private static void Run(SendOrPostCallback callback, object? state)
    {
        var previous = Current;
        SetSynchronizationContext(Instance);
        try
        {
            callback(state);
        }
        finally
        {
            SetSynchronizationContext(previous);
        }
    }

    public override SynchronizationContext CreateCopy() => this;
}
