using System.Diagnostics;

namespace TypedIo.Benchmarks.LoadGenerator;

/// <summary>
/// The broadcasts in flight: how many receivers each still waits for, when it was sent. A broadcast completes when its
/// last live receiver has it (<paramref name="completed"/>: send time and deliveries). A receiver that drops out
/// (<see cref="ReceiverLost"/>) is no longer waited for, in flight or later, so the loop goes on with the others; a
/// broadcast that some receiver never gets is given up after a while (<see cref="AbandonOlderThan"/>) instead of
/// holding its slot in the window for the rest of the run.
/// </summary>
internal sealed class BroadcastLedger(int members, int window, Action<long, int> completed, Action<int> abandoned)
{
    private const int Ring = 4096;
    private const int Given = int.MaxValue / 2; // far above any count: late deliveries of a given-up broadcast never reach 0

    private readonly object _gate = new();
    private readonly int[] _remaining = new int[Ring];
    private readonly int[] _expected = new int[Ring];
    private readonly int[] _missed = new int[Ring];
    private readonly long[] _sentAt = new long[Ring];
    private int _members = members;
    private int _lastSent = -1;

    /// <summary>Receivers still taking part.</summary>
    public int Members => Volatile.Read(ref _members);

    /// <summary>The sequence number of the next broadcast is <paramref name="seq"/> (0, 1, 2, ...): record it before sending.</summary>
    public void Sent(int seq)
    {
        var slot = seq % Ring;
        lock (_gate)
        {
            _expected[slot] = _members;
            _missed[slot] = 0;
            Volatile.Write(ref _sentAt[slot], Stopwatch.GetTimestamp());
            Volatile.Write(ref _remaining[slot], _members);
            _lastSent = seq;
        }
    }

    /// <summary>One receiver got broadcast <paramref name="seq"/>.</summary>
    public void Delivered(int seq)
    {
        var slot = seq % Ring;
        if (Interlocked.Decrement(ref _remaining[slot]) == 0)
            Complete(slot);
    }

    /// <summary>
    /// A receiver whose last broadcast was <paramref name="lastSeen"/> (-1: none) is gone: the broadcasts after that one
    /// still in flight stop waiting for it, and later ones do not count it.
    /// </summary>
    public void ReceiverLost(int lastSeen)
    {
        lock (_gate)
        {
            _members--;
            for (var seq = Math.Max(lastSeen + 1, _lastSent - window + 1); seq <= _lastSent; seq++)
            {
                var slot = seq % Ring;
                if (Volatile.Read(ref _remaining[slot]) is <= 0 or >= Given)
                    continue;
                Interlocked.Increment(ref _missed[slot]);
                if (Interlocked.Decrement(ref _remaining[slot]) == 0)
                    Complete(slot);
            }
        }
    }

    /// <summary>
    /// Gives up the broadcasts in flight sent more than <paramref name="age"/> ago; returns how many. Looks back further
    /// than the window: a broadcast that never went out (its sender failed) stays unfinished while later ones complete.
    /// </summary>
    public int AbandonOlderThan(TimeSpan age)
    {
        var given = 0;
        lock (_gate)
        {
            for (var seq = Math.Max(0, _lastSent - (Ring / 2)); seq <= _lastSent; seq++)
            {
                var slot = seq % Ring;
                if (Volatile.Read(ref _remaining[slot]) is > 0 and < Given && Stopwatch.GetElapsedTime(Volatile.Read(ref _sentAt[slot])) > age
                    && Interlocked.Exchange(ref _remaining[slot], Given) is > 0 and < Given)
                {
                    given++;
                    abandoned(_expected[slot] - Volatile.Read(ref _missed[slot]));
                }
            }
        }
        return given;
    }

    private void Complete(int slot) => completed(Volatile.Read(ref _sentAt[slot]), _expected[slot] - Volatile.Read(ref _missed[slot]));
}
