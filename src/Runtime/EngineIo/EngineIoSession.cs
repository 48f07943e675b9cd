namespace TypedIo.EngineIo;

/// <summary>
/// One Engine.IO session: a client identified by its sid, reached over long-polling or WebSocket (and moved from
/// the first to the second by an upgrade). Sending is thread-safe and never blocks: packets wait in a bounded
/// queue that the active transport drains, so a client that stops reading cannot grow server memory without bound.
/// </summary>
public sealed partial class EngineIoSession
{
    private readonly EngineIoServer _server;
    private readonly object _gate = new();
    private readonly OutboundQueue _outbound;
    private CancellationTokenSource? _closed; // created when someone asks for Closed: most sessions never do

    private volatile SessionState _state = SessionState.Open;
    private volatile bool _isWebSocket;
    private volatile UpgradeState _upgrade;
    private volatile string? _closeReason;
    private EngineFrame _pollCloseReply = EngineFrame.CloseFrame;
    private CancellationTokenSource? _pollingEnded;
    private IOutboundDrainer? _drainer;
    private int _pollActive;

    // Heartbeat, in milliseconds of EngineIoServer.NowMilliseconds (monotonic, from the server's TimeProvider).
    private long _pingDueAt;
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
