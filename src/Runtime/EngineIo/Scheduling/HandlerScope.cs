namespace TypedIo.EngineIo;

/// <summary>
/// Runs the synchronous part of a handler call under <see cref="ThreadPoolContinuations"/> when the server schedules
/// inline, and restores the thread's context after: <c>using (HandlerScope.Enter(server)) task = handler(...);</c>,
/// then await the task outside the scope.
/// </summary>
internal readonly struct HandlerScope : IDisposable
{
    private readonly SynchronizationContext? _previous;
    private readonly bool _entered;

    private HandlerScope(SynchronizationContext? previous)
    {
        _previous = previous;
        _entered = true;
    }

    public static HandlerScope Enter(EngineIoServer server)
    {
        if (!server.Options.InlineScheduling)
            return default;
        var scope = new HandlerScope(SynchronizationContext.Current);
        SynchronizationContext.SetSynchronizationContext(ThreadPoolContinuations.Instance);
        return scope;
    }

    public void Dispose()
    {
        if (_entered)
            SynchronizationContext.SetSynchronizationContext(_previous);
    }
}
