using Microsoft.Extensions.Logging;
using TypedIo.Diagnostics;

namespace TypedIo.EngineIo;

/// <summary>
/// One Engine.IO session: a client identified by its sid, reached over long-polling or WebSocket (and moved from
/// the first to the second by an upgrade). Sending is thread-safe and never blocks: packets wait in a bounded
/// queue that the active transport drains, so a client that stops reading cannot grow server memory without bound.
/// </summary>
public sealed class EngineIoSession
{
    private readonly EngineIoServer _server;
    private readonly object _gate = new();
    private readonly OutboundQueue _outbound;
    private CancellationTokenSource? _closed; // created when someone asks for Closed: most sessions never do
    // The receive gate: one message (or the connect) handed to the handler at a time. A count of holders and waiters,
    // with a semaphore for the waiters made on the first contention (rare: a polling POST racing the handshake), instead
    // of a SemaphoreSlim every session keeps for its whole life.
    private int _receivers;
    private SemaphoreSlim? _receiveWaiters;

    private volatile SessionState _state = SessionState.Open;
    private volatile bool _isWebSocket;
    private volatile UpgradeState _upgrade;
    private volatile string? _closeReason;
    private EngineFrame _pollCloseReply = EngineFrame.CloseFrame;
    private CancellationTokenSource? _pollingEnded;
    private IOutboundDrainer? _drainer;
    private int _pollActive;
    private int _postActive;

    // Heartbeat, in milliseconds of EngineIoServer.NowMilliseconds (monotonic, from the server's TimeProvider).
    private long _pingDueAt;
    private long _pongDeadline; // when the ping was sent + pingTimeout; 0 while no ping waits for its pong
    private long _closeDeadline;

    internal EngineIoSession(string id, EngineIoServer server, bool isWebSocket, EngineIoHandshake handshake)
    {
        Id = id;
        _server = server;
        _isWebSocket = isWebSocket;
        Handshake = handshake;
        _outbound = new OutboundQueue(server.Options.MaxQueuedPackets);
        _pingDueAt = server.NowMilliseconds + (long)server.Options.PingInterval.TotalMilliseconds;
    }

    /// <summary>The session id (<c>sid</c>), unguessable.</summary>
    public string Id { get; }

    /// <summary>What was kept of the handshake request.</summary>
    public EngineIoHandshake Handshake { get; }

    /// <summary>The current transport: <c>polling</c> or <c>websocket</c>.</summary>
    public string Transport => _isWebSocket ? EngineIoTransports.WebSocket : EngineIoTransports.Polling;

    /// <summary>Whether the session is open (not closing or closed).</summary>
    public bool IsOpen => _state == SessionState.Open;

    /// <summary>Signalled when the session has closed.</summary>
    public CancellationToken Closed
    {
        get
        {
            lock (_gate)
            {
                if (_closed is null)
                {
                    if (_state == SessionState.Closed)
                        return new CancellationToken(canceled: true);
                    _closed = new CancellationTokenSource();
                }
                return _closed.Token;
            }
        }
    }

    /// <summary>Whether <see cref="Closed"/> has been asked for (for tests: its source is created on first use).</summary>
    internal bool HasClosedToken => Volatile.Read(ref _closed) is not null;

    /// <summary>Why the session closed, once it has.</summary>
    public string? CloseReason => _closeReason;

    /// <summary>The layer above's own object for this session (Socket.IO keeps its per-connection state here).</summary>
    public object? HandlerState { get; set; }

    internal EngineIoServer Server => _server;
    internal OutboundQueue Outbound => _outbound;
    internal bool IsUpgraded => _upgrade == UpgradeState.Upgraded;

    /// <summary>
    /// The transport that writes queued frames as they are queued (WebSocket), told after each send and when the queue
    /// completes; null while long-polling, whose requests read the queue themselves.
    /// </summary>
    internal void SetDrainer(IOutboundDrainer drainer)
    {
        Volatile.Write(ref _drainer, drainer);
        drainer.OnQueued();
    }

    private void NotifyDrainer() => Volatile.Read(ref _drainer)?.OnQueued();

    /// <summary>
    /// Queues a frame. Returns false when the session is not open, or when its queue is full (the session is then
    /// closed with <see cref="EngineIoCloseReasons.TransportError"/>).
    /// </summary>
    public bool Send(EngineFrame frame)
    {
        bool queued;
        // The queue's own lock, taken here around the state check too: no frame is queued after a close.
        lock (_outbound)
        {
            if (_state != SessionState.Open)
                return false;
            queued = _outbound.TryWrite(frame);
        }
        return AfterQueued(queued);
    }

    /// <summary>
    /// Queues several frames as one unit (for example a packet and its binary attachments): no frame of another
    /// sender comes between them, and either all are queued or none.
    /// </summary>
    public bool Send(IReadOnlyList<EngineFrame> frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        bool queued;
        lock (_outbound)
        {
            if (_state != SessionState.Open)
                return false;
            queued = _outbound.Count + frames.Count <= _server.Options.MaxQueuedPackets;
            if (queued)
            {
                for (var i = 0; i < frames.Count; i++)
                    _outbound.TryWrite(frames[i]);
            }
        }
        return AfterQueued(queued);
    }

    /// <summary>Outside the send lock: tells the drainer, or closes a session whose queue is full.</summary>
    private bool AfterQueued(bool queued)
    {
        if (queued)
        {
            NotifyDrainer();
            return true;
        }
        if (_state == SessionState.Open)
        {
            EngineIoLog.SendQueueFull(_server.Logger, Id, _server.Options.MaxQueuedPackets);
            Abort(EngineIoCloseReasons.TransportError);
        }
        return false;
    }

    /// <summary>Queues a text message.</summary>
    public bool Send(string text) => Send(EngineFrame.Message(text));

    /// <summary>
    /// Queues a frame only if the transport can write it right away (nothing else queued, and for long-polling a
    /// request waiting); otherwise drops it. For volatile messages that are worthless late.
    /// </summary>
    public bool SendVolatile(IReadOnlyList<EngineFrame> frames) => IsWritable && Send(frames);

    /// <summary>As <see cref="SendVolatile(IReadOnlyList{EngineFrame})"/>, for one frame.</summary>
    public bool SendVolatile(EngineFrame frame) => IsWritable && Send(frame);

    /// <summary>Whether the transport can write right away: nothing queued, and for long-polling a request waiting.</summary>
    public bool IsWritable => _outbound.Count == 0 && (_isWebSocket || Volatile.Read(ref _pollActive) == 1);

    /// <summary>
    /// Closes the session from the server side once the queued packets are written (reason
    /// <see cref="EngineIoCloseReasons.ForcedClose"/>).
    /// </summary>
    public void Close()
    {
        lock (_gate)
        {
            if (_state != SessionState.Open)
                return;
            _state = SessionState.Closing;
            _closeDeadline = _server.NowMilliseconds + (long)_server.Options.CloseTimeout.TotalMilliseconds;
        }
        _outbound.Complete();
        NotifyDrainer();
    }

    /// <summary>
    /// Closes the session at once: queued packets are dropped, a waiting poll gets
    /// a close packet (a noop when the client itself closed), the handler hears <paramref name="reason"/>.
    /// </summary>
    internal void Abort(string reason, bool clientClosed = false)
    {
        CancellationTokenSource? closed;
        lock (_gate)
        {
            if (_state == SessionState.Closed)
                return;
            _state = SessionState.Closed;
            _closeReason = reason;
            if (clientClosed)
                _pollCloseReply = EngineFrame.NoopFrame;
            closed = _closed;
        }
        _outbound.Complete();
        NotifyDrainer();
        // Kept before the session goes, so that its late poll finds one or the other.
        if (clientClosed && Transport == EngineIoTransports.Polling && Volatile.Read(ref _pollActive) == 0)
            _server.ClientClosedPolls.Add(Id, _server.NowMilliseconds);
        _server.Remove(this);
        EngineIoLog.SessionClosed(_server.Logger, Id, reason);
        try
        {
            closed?.Cancel();
        }
        catch (AggregateException ex)
        {
            EngineIoLog.CallbackFailed(_server.Logger, Id, ex);
        }
        _server.NotifyClosed(this, reason);
    }

    /// <summary>Ends a graceful close once the last packets were written.</summary>
    internal void CompleteClose() => Abort(EngineIoCloseReasons.ForcedClose);

    internal SessionState State => _state;

    internal EngineFrame PollCloseReply => _pollCloseReply;

    // ---- heartbeat ----

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

    // ---- receiving ----

    /// <summary>
    /// Handles one incoming packet. Returns false when the session is no longer open afterwards, so the transport
    /// stops reading.
    /// </summary>
    internal async ValueTask<bool> ReceiveAsync(ReadOnlyMemory<byte> packet, bool isBinaryFrame)
    {
        if (State != SessionState.Open)
            return false;
        _server.Metrics.BytesReceived(Transport, packet.Length);

        if (isBinaryFrame)
        {
            await DeliverAsync(new EngineMessage(packet, isBinary: true)).ConfigureAwait(false);
            return State == SessionState.Open;
        }

        if (!EnginePacketDecoder.TryDecodeText(packet.Span, out var decoded))
        {
            EngineIoLog.InvalidPacket(_server.Logger, Id);
            _server.Metrics.PacketRejected(TypedIoTelemetry.RejectionReasons.ParseError);
            Abort(EngineIoCloseReasons.ParseError);
            return false;
        }

        switch (decoded.Type)
        {
            case EnginePacketType.Close:
                Abort(EngineIoCloseReasons.TransportClose, clientClosed: true);
                return false;
            case EnginePacketType.Ping:
                // In v4 only the server pings; a client ping outside an upgrade probe is a protocol violation.
                EngineIoLog.InvalidHeartbeatDirection(_server.Logger, Id);
                Abort(EngineIoCloseReasons.TransportError);
                return false;
            case EnginePacketType.Pong:
                OnPong();
                return true;
            case EnginePacketType.Message when decoded.IsBase64Binary:
                if (!EnginePacketDecoder.TryDecodeBase64(packet.Span[decoded.DataOffset..], out var rented, out var length))
                {
                    EngineIoLog.InvalidPacket(_server.Logger, Id);
                    _server.Metrics.PacketRejected(TypedIoTelemetry.RejectionReasons.ParseError);
                    Abort(EngineIoCloseReasons.ParseError);
                    return false;
                }
                try
                {
                    await DeliverAsync(new EngineMessage(rented.AsMemory(0, length), isBinary: true)).ConfigureAwait(false);
                }
                finally
                {
                    System.Buffers.ArrayPool<byte>.Shared.Return(rented);
                }
                return State == SessionState.Open;
            case EnginePacketType.Message:
                await DeliverAsync(new EngineMessage(packet[decoded.DataOffset..], isBinary: false)).ConfigureAwait(false);
                return State == SessionState.Open;
            default:
                // open, upgrade and noop mean nothing here; Node ignores them too.
                return true;
        }
    }

    private async ValueTask DeliverAsync(EngineMessage message)
    {
        await EnterReceiveAsync().ConfigureAwait(false);
        try
        {
            if (State == SessionState.Open)
            {
                ValueTask handled;
                using (HandlerScope.Enter(_server))
                    handled = _server.Handler.OnMessageAsync(this, message);
                await handled.ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            EngineIoLog.HandlerFailed(_server.Logger, Id, ex);
        }
        finally
        {
            ExitReceive();
        }
    }

    internal async ValueTask ConnectAsync()
    {
        await EnterReceiveAsync().ConfigureAwait(false);
        try
        {
            ValueTask connected;
            using (HandlerScope.Enter(_server))
                connected = _server.Handler.OnConnectedAsync(this);
            await connected.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            EngineIoLog.HandlerFailed(_server.Logger, Id, ex);
            Abort(EngineIoCloseReasons.ForcedClose);
        }
        finally
        {
            ExitReceive();
        }
    }

    private ValueTask EnterReceiveAsync() =>
        Interlocked.Increment(ref _receivers) == 1 ? ValueTask.CompletedTask : new ValueTask(ReceiveWaiters().WaitAsync());

    private void ExitReceive()
    {
        // Someone is waiting (or about to): hand the gate over. A release before its wait starts is counted by the semaphore.
        if (Interlocked.Decrement(ref _receivers) > 0)
            ReceiveWaiters().Release();
    }

    private SemaphoreSlim ReceiveWaiters() =>
        Volatile.Read(ref _receiveWaiters)
        ?? Interlocked.CompareExchange(ref _receiveWaiters, new SemaphoreSlim(0), null)
        ?? _receiveWaiters!;

    // ---- polling bookkeeping ----

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

    // ---- upgrade ----

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

    internal enum SessionState
    {
        Open,
        Closing,
        Closed,
    }

    private enum UpgradeState
    {
        None,
        Probing,
        Probed,
        Upgraded,
    }
}
