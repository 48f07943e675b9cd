using System.Collections.Immutable;

namespace TypedIo.SocketIo;

/// <summary>
/// The listeners of one socket. Copy-on-write: adding is rare, dispatching is per packet and takes no lock.
/// </summary>
internal sealed class SocketEventHandlers
{
    // Shared by every socket until it adds a handler: creating an empty dictionary with a comparer allocates.
    private static readonly ImmutableDictionary<string, ImmutableArray<Entry>> NoHandlers = ImmutableDictionary.Create<string, ImmutableArray<Entry>>(StringComparer.Ordinal);

    private readonly object _gate = new();
    private ImmutableDictionary<string, ImmutableArray<Entry>> _byName = NoHandlers;
    private ImmutableArray<Func<SocketEvent, ValueTask>> _any = [];
    private ImmutableArray<Action<string, IReadOnlyList<object?>>> _anyOutgoing = [];
    private ISocketEventRouter? _router;

    public void SetRouter(ISocketEventRouter router)
    {
        ArgumentNullException.ThrowIfNull(router);
        if (Interlocked.CompareExchange(ref _router, router, null) is not null)
            throw new InvalidOperationException("The socket already has a router (a socket is served by one hub).");
    }

    public static Func<SocketEvent, ValueTask> Wrap(Action<SocketEvent> handler) => e =>
    {
        handler(e);
        return ValueTask.CompletedTask;
    };

    public void Add(string eventName, Func<SocketEvent, ValueTask> handler, bool once)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        ArgumentNullException.ThrowIfNull(handler);
        // A client can never send these; "disconnect" and "disconnecting" are the Disconnected/Disconnecting events.
        if (ReservedEvents.IsReserved(eventName))
            throw new ArgumentException($"'{eventName}' is reserved and never arrives as an event; use Socket.Disconnecting or Socket.Disconnected.", nameof(eventName));
        lock (_gate)
        {
            var list = _byName.TryGetValue(eventName, out var existing) ? existing : [];
            _byName = _byName.SetItem(eventName, list.Add(new Entry(handler, once)));
        }
    }

    public void Remove(string eventName, Func<SocketEvent, ValueTask>? handler)
    {
        lock (_gate)
        {
            if (handler is null || !_byName.TryGetValue(eventName, out var list))
            {
                _byName = _byName.Remove(eventName);
                return;
            }
            for (var i = 0; i < list.Length; i++)
            {
                if (list[i].Handler == handler)
                {
                    _byName = _byName.SetItem(eventName, list.RemoveAt(i));
                    return;
                }
            }
        }
    }

    public void AddAny(Func<SocketEvent, ValueTask> handler, bool prepend)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_gate)
            _any = prepend ? _any.Insert(0, handler) : _any.Add(handler);
    }

    public void RemoveAny(Func<SocketEvent, ValueTask>? handler)
    {
        lock (_gate)
            _any = handler is null ? [] : _any.Remove(handler);
    }

    public void AddAnyOutgoing(Action<string, IReadOnlyList<object?>> listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        lock (_gate)
            _anyOutgoing = _anyOutgoing.Add(listener);
    }

    public void RemoveAnyOutgoing(Action<string, IReadOnlyList<object?>>? listener)
    {
        lock (_gate)
            _anyOutgoing = listener is null ? [] : _anyOutgoing.Remove(listener);
    }

    public void NotifyOutgoing(string eventName, object?[] args)
    {
        var listeners = _anyOutgoing;
        foreach (var listener in listeners)
            listener(eventName, args);
    }

    public async ValueTask InvokeAsync(SocketEvent socketEvent)
    {
        var any = _any;
        var handled = !any.IsEmpty;
        foreach (var handler in any)
            await handler(socketEvent).ConfigureAwait(false);

        if (_byName.TryGetValue(socketEvent.Name, out var list))
        {
            foreach (var entry in list)
            {
                if (entry.Once && !TryConsumeOnce(socketEvent.Name, entry))
                    continue;
                handled = true;
                await entry.Handler(socketEvent).ConfigureAwait(false);
            }
        }

        if (_router is { } router && router.TryRoute(socketEvent, out var routed))
        {
            handled = true;
            await routed.ConfigureAwait(false);
        }

        // Node leaves such a client waiting for its ack timeout; it gets told instead. Without an ack, nobody waits.
        if (!handled && socketEvent.HasAck && !socketEvent.IsAcknowledged)
        {
            SocketIoLog.UnhandledEventAnswered(socketEvent.Socket.Namespace.Server.Logger, socketEvent.Socket.Id, socketEvent.Name);
            socketEvent.Ack(new SocketRejection(SocketRejectionCodes.UnknownEvent, $"Nothing handles '{socketEvent.Name}'.").ToJson());
        }
    }

    private bool TryConsumeOnce(string eventName, Entry entry)
    {
        lock (_gate)
        {
            if (!_byName.TryGetValue(eventName, out var list))
                return false;
            var index = list.IndexOf(entry);
            if (index < 0)
                return false;
            _byName = _byName.SetItem(eventName, list.RemoveAt(index));
            return true;
        }
    }

    private sealed record Entry(Func<SocketEvent, ValueTask> Handler, bool Once);
}
