using System.Collections.Concurrent;

namespace TypedIo.EngineIo;

/// <summary>
/// The long-polling sessions their client closed (a close packet in a POST) while no poll of theirs was waiting, kept
/// for a moment. socket.io-client sends its next poll and the close POST over two connections; a server that serves
/// requests in parallel (Kestrel) may handle the POST first, and the poll would then get 400 "Session ID unknown", an
/// error in the browser's console, where the poll waiting at the close gets a noop. A poll that comes within
/// <see cref="Grace"/> gets that noop instead, once; a later request gets 400 as before. Node's engine.io serves the
/// two in arrival order on one thread and so rarely meets this race (and answers 400 when it does). Entries are dropped
/// by the heartbeat's tick once their grace is over, so a flood of closes holds at most that long's worth.
/// </summary>
internal sealed class ClientClosedPolls
{
    /// <summary>How long after the close its late poll still gets the noop.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, long> _until = new(StringComparer.Ordinal);

    /// <summary>The number of sessions kept.</summary>
    public int Count => _until.Count;

    /// <summary>Keeps <paramref name="sid"/>, closed by its client at <paramref name="now"/> (the server's milliseconds).</summary>
    public void Add(string sid, long now) => _until[sid] = now + (long)Grace.TotalMilliseconds;

    /// <summary>True, once, for a session kept less than <see cref="Grace"/> ago: its late poll gets a noop.</summary>
    public bool TryTake(string sid, long now) => _until.TryRemove(sid, out var until) && now < until;

    /// <summary>Drops the sessions whose grace is over.</summary>
    public void DropExpired(long now)
    {
        if (_until.IsEmpty)
            return;
        foreach (var entry in _until)
        {
            if (now >= entry.Value)
                _until.TryRemove(entry);
        }
    }
}
