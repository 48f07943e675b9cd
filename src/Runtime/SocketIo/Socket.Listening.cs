namespace TypedIo.SocketIo;

// Handlers of incoming events, catch-all and outgoing observers, and event middleware.
public sealed partial class Socket
{
    private readonly object _gate = new();

    /// <summary>Handles <paramref name="eventName"/>.</summary>
    public Socket On(string eventName, Func<SocketEvent, ValueTask> handler)
    {
        _handlers.Add(eventName, handler, once: false);
        return this;
    }

    /// <summary>Handles <paramref name="eventName"/> with a synchronous handler.</summary>
    public Socket On(string eventName, Action<SocketEvent> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return On(eventName, SocketEventHandlers.Wrap(handler));
    }

    /// <summary>Handles the next <paramref name="eventName"/> only.</summary>
    public Socket Once(string eventName, Func<SocketEvent, ValueTask> handler)
    {
        _handlers.Add(eventName, handler, once: true);
        return this;
    }

    /// <summary>Removes <paramref name="handler"/>, or every handler of <paramref name="eventName"/> when null.</summary>
    public Socket Off(string eventName, Func<SocketEvent, ValueTask>? handler = null)
    {
        _handlers.Remove(eventName, handler);
        return this;
    }

    /// <summary>
    /// Routes events to <paramref name="router"/> after their handlers added with On (one router per socket: what a
    /// typed hub uses to dispatch its events).
    /// </summary>
    public Socket Route(ISocketEventRouter router)
    {
        _handlers.SetRouter(router);
        return this;
    }

    /// <summary>Handles every incoming event, after the event middleware and before the event's own handlers.</summary>
    public Socket OnAny(Func<SocketEvent, ValueTask> handler)
    {
        _handlers.AddAny(handler, prepend: false);
        return this;
    }

    /// <summary>Like <see cref="OnAny"/>, but runs before the catch-all handlers added so far.</summary>
    public Socket PrependAny(Func<SocketEvent, ValueTask> handler)
    {
        _handlers.AddAny(handler, prepend: true);
        return this;
    }

    /// <summary>Removes a catch-all handler, or all of them when null.</summary>
    public Socket OffAny(Func<SocketEvent, ValueTask>? handler = null)
    {
        _handlers.RemoveAny(handler);
        return this;
    }

    /// <summary>Observes every event this socket emits (name and arguments).</summary>
    public Socket OnAnyOutgoing(Action<string, IReadOnlyList<object?>> listener)
    {
        _handlers.AddAnyOutgoing(listener);
        return this;
    }

    /// <summary>Removes an outgoing observer, or all of them when null.</summary>
    public Socket OffAnyOutgoing(Action<string, IReadOnlyList<object?>>? listener = null)
    {
        _handlers.RemoveAnyOutgoing(listener);
        return this;
    }

    /// <summary>Adds an event middleware (runs for every incoming event, in order of addition).</summary>
    public Socket Use(EventMiddleware middleware)
    {
        ArgumentNullException.ThrowIfNull(middleware);
        lock (_gate)
            _middleware = _middleware.Add(middleware);
        return this;
    }
}
