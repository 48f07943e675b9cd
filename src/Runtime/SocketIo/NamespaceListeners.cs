using System.Collections.Immutable;

namespace TypedIo.SocketIo;

/// <summary>
/// The connection middleware, event middleware and connection handlers of a namespace or of a dynamic parent.
/// Copy-on-write: added to rarely, read on every connection and event without a lock.
/// </summary>
internal sealed class NamespaceListeners
{
    private readonly object _gate = new();

    public ImmutableArray<ConnectionMiddleware> ConnectionMiddleware { get; private set; } = [];

    public ImmutableArray<EventMiddleware> EventMiddleware { get; private set; } = [];

    public ImmutableArray<Func<Socket, ValueTask>> ConnectionHandlers { get; private set; } = [];

    public void Add(ConnectionMiddleware middleware)
    {
        ArgumentNullException.ThrowIfNull(middleware);
        lock (_gate)
            ConnectionMiddleware = ConnectionMiddleware.Add(middleware);
    }

    public void Add(EventMiddleware middleware)
    {
        ArgumentNullException.ThrowIfNull(middleware);
        lock (_gate)
            EventMiddleware = EventMiddleware.Add(middleware);
    }

    public void Add(Func<Socket, ValueTask> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_gate)
            ConnectionHandlers = ConnectionHandlers.Add(handler);
    }

    public void Add(Action<Socket> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Add(socket =>
        {
            handler(socket);
            return ValueTask.CompletedTask;
        });
    }
}
