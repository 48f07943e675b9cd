namespace TypedIo.EngineIo;

/// <summary>
/// A connection's turn on the thread that reads it, in inline scheduling. There, Kestrel's receive loop runs on the
/// socket engine's thread and hands each message to TypedIo's reader on that thread; while the client's socket still
/// holds data, the next receive completes at once and the loop goes on without returning to the engine. So one client
/// that always has a message waiting (a sender of broadcasts the server handles more slowly than they come) keeps the
/// engine thread to itself, and no other connection on it is read: their pongs wait unread in the kernel until their
/// sessions time out. After 1 ms of handling in a row, the reader moves to the thread pool once; the
/// receive loop then only buffers what the socket holds, and the engine thread goes back to its other sockets (Node's
/// event loop likewise serves every socket between two reads of one).
/// </summary>
/// <remarks>
/// "In a row" is measured, not guessed from whether a read was pending: a read that waited may have been resumed by
/// Kestrel's next receive on the same engine thread without that thread ever going back to its other sockets (the
/// flooding client above, whenever its messages cross the end of what one receive got). So the time a connection waits
/// between two messages is given back from what it has spent: a client that waits for its answers (every echo or ack
/// client) never ends a turn, one that keeps the thread busy ends it after the budget.
/// </remarks>
internal struct ReadTurn
{
    /// <summary>How long one connection handles messages in a row on the thread that read them, 1 ms, in ticks of <paramref name="timestampFrequency"/>.</summary>
    internal static long BudgetFor(long timestampFrequency) => timestampFrequency / 1000;

    private long _spent;
    private long _ended;

    /// <summary>
    /// Counts the handling that began at <paramref name="started"/> and ended at <paramref name="ended"/> (timestamps),
    /// after giving back the wait since the last handling ended; true when the turn has spent <paramref name="budget"/>
    /// and is over (a new one begins).
    /// </summary>
    public bool Spend(long started, long ended, long budget)
    {
        var waited = started - _ended;
        _spent = Math.Max(0, _spent - waited) + (ended - started);
        _ended = ended;
        if (_spent < budget)
            return false;
        _spent = 0;
        return true;
    }

    /// <summary>A new turn at <paramref name="now"/>: the reader was resumed by something else than the receive that read its message.</summary>
    public void Reset(long now)
    {
        _spent = 0;
        _ended = now;
    }
}
