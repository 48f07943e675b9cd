using System.Collections.Immutable;

namespace TypedIo.SocketIo;

/// <summary>
/// The listeners of server-side emits of one namespace, by event name. Copy-on-write: added to rarely, read without
/// a lock when another node's event arrives.
/// </summary>
internal sealed class ServerSideListeners
{
    private readonly object _gate = new();
    private ImmutableDictionary<string, ImmutableArray<Func<ServerSideEvent, ValueTask>>> _handlers =
        ImmutableDictionary.Create<string, ImmutableArray<Func<ServerSideEvent, ValueTask>>>(StringComparer.Ordinal);

    public void Add(string eventName, Func<ServerSideEvent, ValueTask> handler)
    {
        ReservedEvents.ThrowIfReserved(eventName);
        ArgumentNullException.ThrowIfNull(handler);
        lock (_gate)
            _handlers = _handlers.SetItem(eventName, _handlers.TryGetValue(eventName, out var existing) ? existing.Add(handler) : [handler]);
    }

    public void Remove(string eventName, Func<ServerSideEvent, ValueTask>? handler)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        lock (_gate)
        {
            if (!_handlers.TryGetValue(eventName, out var existing))
                return;
            var remaining = handler is null ? [] : existing.Remove(handler);
            _handlers = remaining.IsEmpty ? _handlers.Remove(eventName) : _handlers.SetItem(eventName, remaining);
        }
    }

    public ImmutableArray<Func<ServerSideEvent, ValueTask>> For(string eventName) =>
        _handlers.TryGetValue(eventName, out var handlers) ? handlers : [];
}
