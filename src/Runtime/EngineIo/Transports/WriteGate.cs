namespace TypedIo.EngineIo;

/// <summary>
/// One writer at a time on a connection, kept inside the object it guards: a flag taken with one interlocked
/// exchange while nobody else writes, and a list of waiters made on the first contention (a close frame or a pong of
/// the WebSocket meeting a data write of the transport: rare), instead of a <see cref="SemaphoreSlim"/> that every
/// held connection would keep for its whole life.
/// <para>
/// Waiters are let in first come, first served; a writer that finds the gate free takes it even when a waiter is about
/// to be let in (as a <see cref="SemaphoreSlim"/> lets a caller that does not wait take a free count). A waiter is let
/// in on the thread pool, never on the thread of the writer leaving. A mutable struct: use it only as a field, never
/// copied.
/// </para>
/// </summary>
internal struct WriteGate
{
    private int _held;
    // Made on the first contention and kept: it is also the lock that orders waiting against leaving.
    private List<TaskCompletionSource>? _waiters;

    /// <summary>Takes the gate if it is free.</summary>
    public bool TryEnter() => Interlocked.CompareExchange(ref _held, 1, 0) == 0;

    /// <summary>
    /// Takes the gate, waiting behind the writers before. False when <paramref name="timeout"/> passed first; an
    /// <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> was cancelled first. A
    /// cancellation or a timeout that comes after the gate was handed over is too late: the gate is held then.
    /// </summary>
    public Task<bool> EnterAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var waiters = Volatile.Read(ref _waiters)
            ?? Interlocked.CompareExchange(ref _waiters, [], null)
            ?? _waiters!;
        TaskCompletionSource waiter;
        lock (waiters)
        {
            if (TryEnter())
                return Task.FromResult(true);
            waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            waiters.Add(waiter);
        }
        return WaitAsync(waiters, waiter, timeout, cancellationToken);
    }

    private static async Task<bool> WaitAsync(List<TaskCompletionSource> waiters, TaskCompletionSource waiter, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await waiter.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            lock (waiters)
            {
                if (!waiters.Remove(waiter))
                    return true; // handed over meanwhile: the gate is this waiter's
            }
            if (ex is TimeoutException)
                return false;
            throw;
        }
    }

    /// <summary>Leaves the gate: the first waiter, if any, gets it.</summary>
    public void Exit()
    {
        // A full fence between freeing the gate and looking for waiters: a waiter that came after the look finds it free.
        Interlocked.Exchange(ref _held, 0);
        var waiters = Volatile.Read(ref _waiters);
        if (waiters is null)
            return;
        lock (waiters)
        {
            // A writer that took the free gate meanwhile hands it over when it leaves.
            if (waiters.Count == 0 || !TryEnter())
                return;
            var next = waiters[0];
            waiters.RemoveAt(0);
            next.SetResult();
        }
    }
}
