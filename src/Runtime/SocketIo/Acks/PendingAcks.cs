using System.Collections.Concurrent;

namespace TypedIo.SocketIo;

/// <summary>
/// The acks one socket waits for, by id. Ids come from the namespace-wide counter (<see cref="Namespace.NextAckId"/>),
/// so a broadcast registers its one id in every recipient's table. Everything left is abandoned on disconnect.
/// </summary>
internal sealed class PendingAcks(Socket socket)
{
    // Created by the first emit with ack: most sockets never wait for one.
    private ConcurrentDictionary<long, PendingAck>? _pending;

    /// <summary>Whether the table has been created (for tests).</summary>
    internal bool HasTable => Volatile.Read(ref _pending) is not null;

    /// <summary>Waits for the answer to the emit that carried <paramref name="id"/>.</summary>
    public Task<SocketArgs> Register(long id, string eventName, TimeSpan? timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var pending = new SingleAck(this, id, eventName);
        if (!TryAdd(id, pending))
            return Task.FromException<SocketArgs>(new SocketDisconnectedException(SocketDisconnectReasons.ServerNamespaceDisconnect));
        pending.Arm(timeout, time, cancellationToken);
        return pending.Completion.Task;
    }

    /// <summary>
    /// Registers <paramref name="entry"/> under <paramref name="id"/>. Returns false, with nothing registered, when the
    /// socket has disconnected (its table was or is being abandoned).
    /// </summary>
    public bool TryAdd(long id, PendingAck entry)
    {
        var pending = LazyInitializer.EnsureInitialized(ref _pending, static () => new ConcurrentDictionary<long, PendingAck>());
        pending[id] = entry;
        if (socket.Connected)
            return true;
        // The socket closed meanwhile: whoever removes the entry first settles it, so it is never left behind.
        return !pending.TryRemove(new KeyValuePair<long, PendingAck>(id, entry));
    }

    /// <summary>Settles the wait for <paramref name="id"/>; false when nothing waits for it.</summary>
    public bool Complete(long id, SocketArgs args)
    {
        if (Volatile.Read(ref _pending) is not { } table || !table.TryRemove(id, out var pending))
            return false;
        pending.Answer(socket, args);
        return true;
    }

    public void Remove(long id) => Volatile.Read(ref _pending)?.TryRemove(id, out _);

    public void AbandonAll(string reason)
    {
        if (Volatile.Read(ref _pending) is not { } table)
            return;
        foreach (var id in table.Keys)
        {
            if (table.TryRemove(id, out var pending))
                pending.Abandon(socket, reason);
        }
    }

    /// <summary>The waiter of one <see cref="Socket.EmitWithAckAsync"/>: completion, timeout, cancellation.</summary>
    private sealed class SingleAck(PendingAcks owner, long id, string eventName) : PendingAck
    {
        private ITimer? _timer;
        private CancellationTokenRegistration _registration;
        private TimeSpan _timeout;

        public TaskCompletionSource<SocketArgs> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Arm(TimeSpan? timeout, TimeProvider time, CancellationToken cancellationToken)
        {
            if (timeout is { } after)
            {
                _timeout = after;
                _timer = time.CreateTimer(static state => ((SingleAck)state!).OnTimeout(), this, after, Timeout.InfiniteTimeSpan);
            }
            if (cancellationToken.CanBeCanceled)
                _registration = cancellationToken.Register(static state => ((SingleAck)state!).Cancel(), this);
            Completion.Task.ContinueWith(static (_, state) => ((SingleAck)state!).Dispose(), this, TaskScheduler.Default);
        }

        public override void Answer(Socket socket, SocketArgs args) => Completion.TrySetResult(args);

        public override void Abandon(Socket socket, string reason) => Completion.TrySetException(new SocketDisconnectedException(reason));

        private void OnTimeout()
        {
            owner.Remove(id);
            if (Completion.TrySetException(new SocketAckTimeoutException(eventName, _timeout)))
                owner.OnTimedOut(1);
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

    private void OnTimedOut(int count) => socket.Namespace.Server.Metrics.AckTimedOut(socket.Namespace.Name, count);
}
