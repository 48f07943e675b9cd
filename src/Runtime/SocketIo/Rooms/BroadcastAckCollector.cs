namespace TypedIo.SocketIo;

/// <summary>
/// One broadcast with ack in progress: completes when every node has said whom it sent the packet to and each of those
/// sockets answered or disconnected, or at the timeout with what arrived. Registered itself in the recipients' ack
/// tables (it is the shared entry), so a broadcast allocates no per-recipient state beyond the list of ids.
/// </summary>
internal sealed class BroadcastAckCollector : PendingAck, IBroadcastAckReceiver
{
    private readonly Namespace _namespace;
    private readonly long _ackId;
    private readonly string _eventName;
    private readonly object _gate = new();
    private readonly TaskCompletionSource<BroadcastAckResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<SocketAckResponse> _responses = [];
    private readonly List<string> _recipients = [];
    private HashSet<string>? _disconnected;
    private int _unnamedRecipients;
    private int _unnamedResponses;
    private int _expectedNodes = -1;
    private int _reportedNodes;
    private bool _done;
    private ITimer? _timer;
    private CancellationTokenRegistration _registration;

    public BroadcastAckCollector(Namespace nsp, long ackId, string eventName)
    {
        _namespace = nsp;
        _ackId = ackId;
        _eventName = eventName;
    }

    public Task<BroadcastAckResult> Task => _completion.Task;

    /// <summary>Arms the timeout and the cancellation; call before broadcasting.</summary>
    public void Start(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (timeout != Timeout.InfiniteTimeSpan)
            _timer = _namespace.Server.TimeProvider.CreateTimer(static state => ((BroadcastAckCollector)state!).OnTimeout(), this, timeout, Timeout.InfiniteTimeSpan);
        if (cancellationToken.CanBeCanceled)
            _registration = cancellationToken.Register(static state => ((BroadcastAckCollector)state!).OnCancelled(), this);
    }

    /// <summary>How many nodes will report (<see cref="SocketAdapter.ServerCountAsync"/>).</summary>
    public void SetNodeCount(int count)
    {
        lock (_gate)
            _expectedNodes = count;
        TryComplete();
    }

    public void OnSent(IReadOnlyCollection<string> socketIds)
    {
        ArgumentNullException.ThrowIfNull(socketIds);
        lock (_gate)
        {
            if (_done)
                return;
            _recipients.AddRange(socketIds);
            _reportedNodes++;
        }
        TryComplete();
    }

    public void OnSent(int socketCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(socketCount);
        lock (_gate)
        {
            if (_done)
                return;
            _unnamedRecipients += socketCount;
            _reportedNodes++;
        }
        TryComplete();
    }

    public void OnAck(SocketAckResponse response)
    {
        lock (_gate)
        {
            if (_done)
                return;
            _responses.Add(response);
            if (response.SocketId.Length == 0)
                _unnamedResponses++;
        }
        TryComplete();
    }

    public void OnDisconnected(string socketId)
    {
        lock (_gate)
        {
            if (_done)
                return;
            (_disconnected ??= new HashSet<string>(StringComparer.Ordinal)).Add(socketId);
        }
        TryComplete();
    }

    public override void Answer(Socket socket, SocketArgs args) => OnAck(new SocketAckResponse(socket.Id, args));

    public override void Abandon(Socket socket, string reason) => OnDisconnected(socket.Id);

    /// <summary>The adapter failed: the broadcast fails with its exception.</summary>
    public void Fail(Exception error)
    {
        lock (_gate)
        {
            if (_done)
                return;
            _done = true;
        }
        ForgetAcks();
        Dispose();
        _completion.TrySetException(error);
    }

    private void TryComplete()
    {
        BroadcastAckResult result;
        lock (_gate)
        {
            if (_done || _reportedNodes < _expectedNodes || _expectedNodes < 0)
                return;
            if (_responses.Count + (_disconnected?.Count ?? 0) < _recipients.Count + _unnamedRecipients)
                return;
            _done = true;
            result = BuildLocked();
        }
        Dispose();
        _completion.TrySetResult(result);
    }

    private void OnTimeout()
    {
        BroadcastAckResult result;
        int timedOut;
        lock (_gate)
        {
            if (_done)
                return;
            _done = true;
            result = BuildLocked();
            timedOut = result.TimedOut.Count - (_disconnected?.Count ?? 0);
        }
        // The late answers of this broadcast are ignored, as Node does it: its id leaves every socket's table.
        ForgetAcks();
        Dispose();
        _namespace.Server.Metrics.AckTimedOut(_namespace.Name, timedOut);
        SocketIoLog.BroadcastAckTimedOut(_namespace.Server.Logger, _eventName, _namespace.Name, result.Responses.Count, result.Responses.Count + result.TimedOut.Count);
        _completion.TrySetResult(result);
    }

    private void OnCancelled()
    {
        lock (_gate)
        {
            if (_done)
                return;
            _done = true;
        }
        ForgetAcks();
        Dispose();
        _completion.TrySetCanceled();
    }

    private BroadcastAckResult BuildLocked()
    {
        var responses = _responses.ToArray();
        var unreported = _expectedNodes < 0 ? 0 : Math.Max(0, _expectedNodes - _reportedNodes);
        if (responses.Length == _recipients.Count + _unnamedRecipients)
            return new BroadcastAckResult(responses, [], unreported);
        var answered = new HashSet<string>(StringComparer.Ordinal);
        foreach (var response in responses)
            answered.Add(response.SocketId);
        var timedOut = new List<string>();
        foreach (var id in _recipients)
        {
            if (!answered.Contains(id))
                timedOut.Add(id);
        }
        // Sockets of nodes that report a count only: named by the empty id, so the count stays right.
        for (var i = _unnamedResponses; i < _unnamedRecipients; i++)
            timedOut.Add("");
        return new BroadcastAckResult(responses, timedOut, unreported);
    }

    private void ForgetAcks()
    {
        foreach (var socket in _namespace.ConnectedSockets)
            socket.ForgetAck(_ackId);
    }

    private void Dispose()
    {
        _timer?.Dispose();
        _registration.Dispose();
    }
}
