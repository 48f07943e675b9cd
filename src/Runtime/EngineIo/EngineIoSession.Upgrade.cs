namespace TypedIo.EngineIo;

// The upgrade from long-polling to WebSocket: probing, probed, cancelled or completed.
public sealed partial class EngineIoSession
{
    internal bool TryBeginUpgrade()
    {
        lock (_gate)
        {
            if (_state != SessionState.Open || _isWebSocket || _upgrade != UpgradeState.None)
                return false;
            _upgrade = UpgradeState.Probing;
            return true;
        }
    }

    internal void MarkProbed()
    {
        lock (_gate)
        {
            if (_upgrade == UpgradeState.Probing)
                _upgrade = UpgradeState.Probed;
        }
        // A poll waiting right now must end so the client can finish pausing polling.
        if (Volatile.Read(ref _pollActive) == 1)
            _outbound.TryWrite(EngineFrame.NoopFrame);
    }

    internal void CancelUpgrade()
    {
        lock (_gate)
        {
            if (_upgrade is UpgradeState.Probing or UpgradeState.Probed)
                _upgrade = UpgradeState.None;
        }
    }

    /// <summary>Switches the session to WebSocket. From here on only the WebSocket writer drains the queue.</summary>
    internal bool CompleteUpgrade()
    {
        CancellationTokenSource? pollingEnded;
        lock (_gate)
        {
            if (_state != SessionState.Open || _upgrade != UpgradeState.Probed)
                return false;
            _upgrade = UpgradeState.Upgraded;
            _isWebSocket = true;
            pollingEnded = _pollingEnded;
        }
        pollingEnded?.Cancel();
        return true;
    }
}
