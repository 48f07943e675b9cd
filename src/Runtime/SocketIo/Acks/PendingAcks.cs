using System.Collections.Concurrent;

namespace TypedIo.SocketIo;

/// <summary>The acks a socket waits for: ids, their completions, their timeouts; all failed on disconnect.</summary>
internal sealed class PendingAcks
{
    private readonly ConcurrentDictionary<long, Pending> _pending = new();
    private long _nextId = -1;

    public (long Id, Task<SocketArgs> Task) Register(string eventName, TimeSpan? timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref _nextId);
        var pending = new Pending(this, id, eventName);
        _pending[id] = pending;
        pending.Arm(timeout, time, cancellationToken);
        return (id, pending.Completion.Task);
    }

    public void Complete(long id, SocketArgs args)
    {
        if (_pending.TryRemove(id, out var pending))
            pending.Completion.TrySetResult(args);
    }

    public void FailAll(string reason)
    {
        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var pending))
                pending.Completion.TrySetException(new SocketDisconnectedException(reason));
        }
    }

    private void Remove(long id) => _pending.TryRemove(id, out _);

    private sealed class Pending(PendingAcks owner, long id, string eventName)
    {
        private ITimer? _timer;
        private CancellationTokenRegistration _registration;

        public TaskCompletionSource<SocketArgs> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Arm(TimeSpan? timeout, TimeProvider time, CancellationToken cancellationToken)
        {
            if (timeout is { } after)
            {
                _timer = time.CreateTimer(static state =>
                {
                    var self = (Pending)state!;
                    self.Fail(new SocketAckTimeoutException(self.EventName, self.Timeout));
                }, this, after, System.Threading.Timeout.InfiniteTimeSpan);
                Timeout = after;
            }
            if (cancellationToken.CanBeCanceled)
                _registration = cancellationToken.Register(static state => ((Pending)state!).Cancel(), this);
            Completion.Task.ContinueWith(static (_, state) => ((Pending)state!).Dispose(), this, TaskScheduler.Default);
        }

        public string EventName => eventName;

        public TimeSpan Timeout { get; private set; }

        private void Fail(Exception error)
        {
            owner.Remove(id);
            Completion.TrySetException(error);
        }

        private void Cancel()
        {
            owner.Remove(id);
            Completion.TrySetCanceled();
        }

        private void Dispose()
        {
            _timer?.Dispose();
            _registration.Dispose();
        }
    }
}
