using System.Diagnostics;

namespace TypedIo.EngineIo;

/// <summary>
/// A connection's turn on the thread that reads it, in inline scheduling. There, Kestrel's receive loop runs on the
/// socket engine's thread and hands each message to TypedIo's reader on that thread; while the client's socket still
/// holds data, the next receive completes at once and the loop goes on without returning to the engine. So one client
/// that always has a message waiting (a sender of broadcasts the server handles more slowly than they come) keeps the
/// engine thread to itself, and no other connection on it is read: their pongs wait unread in the kernel until their
/// sessions time out. After <see cref="Budget"/> of handling in a row, the reader moves to the thread pool once; the
/// receive loop then only buffers what the socket holds, and the engine thread goes back to its other sockets (Node's
/// event loop likewise serves every socket between two reads of one).
/// </summary>
internal struct ReadTurn
{
    /// <summary>How long one connection handles messages in a row on the thread that read them: 1 ms.</summary>
    internal static readonly long Budget = Stopwatch.Frequency / 1000;

    private long _spent;

    /// <summary>Counts the handling that began at <paramref name="started"/>; true when the turn is over (a new one begins).</summary>
    public bool Spend(long started)
    {
        _spent += Stopwatch.GetTimestamp() - started;
        if (_spent < Budget)
            return false;
        _spent = 0;
        return true;
    }

    /// <summary>A new turn: the reader was resumed by something else than the receive that read its message.</summary>
    public void Reset() => _spent = 0;
}
