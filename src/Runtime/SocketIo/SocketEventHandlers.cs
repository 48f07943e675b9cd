using System.Collections.Immutable;

namespace TypedIo.SocketIo;

/// <summary>
/// The listeners of one socket. Copy-on-write: adding is rare, dispatching is per packet and takes no lock.
/// <para>
/// The named handlers are one flat array in the order they were added, scanned by name: a socket has a handful of
/// them (typed hubs have none: they route), and every socket keeps its table for as long as it is connected, so a
/// one-handler table is two small objects rather than a hash map's nodes.
/// </para>
/// </summary>
internal sealed class SocketEventHandlers
{
    private Entry[] _byName = [];
    private ImmutableArray<Func<SocketEvent, ValueTask>> _any = [];
    private ImmutableArray<Action<string, IReadOnlyList<object?>>> _anyOutgoing = [];
    private ISocketEventRouter? _router;

    // The table itself: its socket never hands it out, so nothing else locks on it, and a lock object of its own would
    // cost every socket 24 bytes for as long as it is connected.
    private object Gate => this;

    public ISocketEventRouter? Router => _router;

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
        lock (Gate)
            _byName = [.. _byName, new Entry(eventName, handler, once)];
    }

    /// <summary>Removes <paramref name="eventName"/>'s first entry for <paramref name="handler"/>, or all of them if it is null.</summary>
    public void Remove(string eventName, Func<SocketEvent, ValueTask>? handler)
    {
        lock (Gate)
        {
            var entries = _byName;
            if (handler is null)
            {
                if (Array.Exists(entries, e => e.Name == eventName))
                    _byName = Array.FindAll(entries, e => e.Name != eventName);
                return;
            }
            var index = Array.FindIndex(entries, e => e.Name == eventName && e.Handler == handler);
            if (index >= 0)
                _byName = Without(entries, index);
        }
    }

    public void AddAny(Func<SocketEvent, ValueTask> handler, bool prepend)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (Gate)
            _any = prepend ? _any.Insert(0, handler) : _any.Add(handler);
    }

    public void RemoveAny(Func<SocketEvent, ValueTask>? handler)
    {
        lock (Gate)
            _any = handler is null ? [] : _any.Remove(handler);
    }

    public void AddAnyOutgoing(Action<string, IReadOnlyList<object?>> listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        lock (Gate)
            _anyOutgoing = _anyOutgoing.Add(listener);
    }

    public void RemoveAnyOutgoing(Action<string, IReadOnlyList<object?>>? listener)
    {
        lock (Gate)
            _anyOutgoing = listener is null ? [] : _anyOutgoing.Remove(listener);
    }

    /// <summary>Whether anything observes outgoing events (so arguments are turned into values only for them).</summary>
    public bool HasOutgoingListeners => !_anyOutgoing.IsEmpty;

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

        var name = socketEvent.Name;
        foreach (var entry in _byName)
        {
            if (entry.Name != name || (entry.Once && !TryConsumeOnce(entry)))
                continue;
            handled = true;
            await entry.Handler(socketEvent).ConfigureAwait(false);
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

    private bool TryConsumeOnce(Entry entry)
    {
        lock (Gate)
        {
            var index = Array.IndexOf(_byName, entry);
            if (index < 0)
                return false;
            _byName = Without(_byName, index);
            return true;
        }
    }

    private static Entry[] Without(Entry[] entries, int index)
    {
        var rest = new Entry[entries.Length - 1];
        entries.AsSpan(0, index).CopyTo(rest);
        entries.AsSpan(index + 1).CopyTo(rest.AsSpan(index));
        return rest;
    }

    // A class, compared by reference: the same handler added twice is two entries.
    private sealed class Entry(string name, Func<SocketEvent, ValueTask> handler, bool once)
    {
        public string Name { get; } = name;

        public Func<SocketEvent, ValueTask> Handler { get; } = handler;

        public bool Once { get; } = once;
    }
}
