namespace TypedIo.EngineIo;

// Long-polling: one GET and one POST at a time, when polling ends, and the frames a poll takes from the queue.
public sealed partial class EngineIoSession
{
    private int _postActive;

    internal bool TryBeginPoll() => Interlocked.Exchange(ref _pollActive, 1) == 0;
    internal void EndPoll() => Volatile.Write(ref _pollActive, 0);
    internal bool TryBeginPost() => Interlocked.Exchange(ref _postActive, 1) == 0;
    internal void EndPost() => Volatile.Write(ref _postActive, 0);

    /// <summary>Cancelled when long-polling stops being this session's transport (upgrade or close).</summary>
    internal CancellationToken PollingEnded
    {
        get
        {
            lock (_gate)
            {
                _pollingEnded ??= new CancellationTokenSource();
                if (_isWebSocket || _state == SessionState.Closed)
                    _pollingEnded.Cancel();
                return _pollingEnded.Token;
            }
        }
    }

    /// <summary>Whether a poll should be answered at once with a noop: an upgrade probe succeeded.</summary>
    internal bool IsProbed => _upgrade == UpgradeState.Probed;

    /// <summary>
    /// Takes every queued frame for one polling response. Returns false when polling is no longer the transport
    /// or the session was closed; then nothing is taken.
    /// </summary>
    internal bool TryDrainForPoll(List<EngineFrame> into)
    {
        lock (_gate)
        {
            if (_isWebSocket || _state == SessionState.Closed)
                return false;
            while (_outbound.TryRead(out var frame))
                into.Add(frame);
            return true;
        }
    }
}
