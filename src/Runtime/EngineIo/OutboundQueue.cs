namespace TypedIo.EngineIo;

/// <summary>
/// The frames a session has queued and its transport has not written yet. Most of the time it holds at most one
/// frame (a WebSocket writes a frame as soon as it is queued), so the first frame sits in a field and a queue is only
/// allocated on a backlog: an idle connection pays for a few fields, not for a channel. Thread-safe.
/// </summary>
internal sealed class OutboundQueue(int capacity)
{
    private EngineFrame _head;
    private bool _hasHead;
    private Queue<EngineFrame>? _backlog;
    private bool _writingCompleted;
    private TaskCompletionSource<bool>? _reader;

    /// <summary>How many frames wait.</summary>
    public int Count
    {
        get
        {
            lock (this)
                return CountUnlocked;
        }
    }

    /// <summary>Whether no more frames can be queued and none is left.</summary>
    public bool IsCompleted
    {
        get
        {
            lock (this)
                return _writingCompleted && CountUnlocked == 0;
        }
    }

    /// <summary>Whether the backlog queue has been allocated (for tests).</summary>
    internal bool HasBacklog => Volatile.Read(ref _backlog) is not null;

    private int CountUnlocked => (_hasHead ? 1 : 0) + (_backlog?.Count ?? 0);

    /// <summary>Queues <paramref name="frame"/>; false when the queue is full or completed.</summary>
    public bool TryWrite(EngineFrame frame)
    {
        TaskCompletionSource<bool>? reader;
        lock (this)
        {
            if (_writingCompleted || CountUnlocked >= capacity)
                return false;
            if (!_hasHead && (_backlog is null || _backlog.Count == 0))
            {
                _head = frame;
                _hasHead = true;
            }
            else
            {
                (_backlog ??= new Queue<EngineFrame>()).Enqueue(frame);
            }
            reader = TakeReader();
        }
        reader?.TrySetResult(true);
        return true;
    }

    public bool TryRead(out EngineFrame frame)
    {
        lock (this)
        {
            if (_hasHead)
            {
                frame = _head;
                _head = default;
                _hasHead = false;
                return true;
            }
            if (_backlog is { Count: > 0 } backlog)
            {
                frame = backlog.Dequeue();
                return true;
            }
        }
        frame = default;
        return false;
    }

    /// <summary>The next frame, left in the queue (its one reader decides whether to take it next).</summary>
    public bool TryPeek(out EngineFrame frame)
    {
        lock (this)
        {
            if (_hasHead)
            {
                frame = _head;
                return true;
            }
            if (_backlog is { Count: > 0 } backlog)
            {
                frame = backlog.Peek();
                return true;
            }
        }
        frame = default;
        return false;
    }

    /// <summary>No more frames will be queued; the ones already queued can still be read.</summary>
    public void Complete()
    {
        TaskCompletionSource<bool>? reader;
        lock (this)
        {
            _writingCompleted = true;
            reader = TakeReader();
        }
        reader?.TrySetResult(false);
    }

    /// <summary>
    /// Waits until a frame can be read (true) or the queue is completed and empty (false). One reader at a time
    /// (long-polling runs one poll per session).
    /// </summary>
    public ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken)
    {
        Task<bool> waiting;
        lock (this)
        {
            if (CountUnlocked > 0)
                return new(true);
            if (_writingCompleted)
                return new(false);
            _reader ??= new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            waiting = _reader.Task;
        }
        return new(waiting.WaitAsync(cancellationToken));
    }

    private TaskCompletionSource<bool>? TakeReader()
    {
        var reader = _reader;
        _reader = null;
        return reader;
    }
}
