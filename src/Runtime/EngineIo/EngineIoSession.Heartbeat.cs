namespace TypedIo.EngineIo;

// The heartbeat: the ping when due, the client's pong, and the deadlines of a pong and of a graceful close.
public sealed partial class EngineIoSession
{
    private long _pongDeadline; // when the ping was sent + pingTimeout; 0 while no ping waits for its pong

    /// <summary>
    /// Sends the ping when it is due and closes the session when its pong is late. The pong deadline is pingTimeout
    /// after the ping's due time when the ping goes out within one scheduler tick of it (Node's engine.io sends it on a
    /// timer at the due time, so the official suites expect the session gone pingInterval + pingTimeout after the
    /// handshake); a ping that goes out later (a stalled machine) leaves the client pingTimeout from its send, less
    /// one tick, as Node's deadline counts from the send. Requests call this too, so a deadline that passed is noticed
    /// when the client's next request arrives, before any tick.
    /// </summary>
    internal void CheckHeartbeat(long now)
    {
        bool sendPing = false, expired = false, closeTimedOut = false;
        lock (_gate)
        {
            if (_state == SessionState.Closing)
            {
                // No ping goes out while closing, but the client's deadline still holds: a client that stopped
                // answering is forgotten pingInterval + pingTimeout after its last pong, whatever the close timeout
                // (Node's engine.io also starts the ping timeout at the due time while closing, without the ping).
                var pongDeadline = _pongDeadline != 0 ? _pongDeadline : _pingDueAt + (long)_server.Options.PingTimeout.TotalMilliseconds;
                expired = now >= pongDeadline;
                closeTimedOut = now >= _closeDeadline;
            }
            else if (_state == SessionState.Open)
            {
                if (_pongDeadline == 0 && now >= _pingDueAt)
                {
                    // The ping is queued right after the lock; the scheduler's "now" can be a few sessions old. Within
                    // a tick of its due time the deadline counts from the due time, as Node's timer would have sent it
                    // then; later (a stalled machine), from the send less one tick.
                    var sentAt = Math.Max(now, _server.NowMilliseconds);
                    _pongDeadline = Math.Max(_pingDueAt, sentAt - _server.HeartbeatTickMilliseconds) + (long)_server.Options.PingTimeout.TotalMilliseconds;
                    sendPing = true;
                }
                expired = _pongDeadline != 0 && now >= _pongDeadline;
            }
        }

        if (expired)
            Abort(EngineIoCloseReasons.PingTimeout);
        else if (closeTimedOut)
            CompleteClose();
        else if (sendPing)
            Send(EngineFrame.PingFrame);
    }

    /// <summary>
    /// The pong to the ping that waits: its deadline goes and the next ping is due pingInterval from now. A pong no ping
    /// asked for is ignored (Node's engine.io lets it postpone the next ping: docs/engine-io.md), and as in Node no
    /// other packet touches the heartbeat (a v4 client's messages do not count as a pong).
    /// </summary>
    private void OnPong()
    {
        lock (_gate)
        {
            if (_pongDeadline == 0)
                return;
            _pongDeadline = 0;
            _pingDueAt = _server.NowMilliseconds + (long)_server.Options.PingInterval.TotalMilliseconds;
        }
    }
}
