using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text.Json;

namespace TypedIo.SocketIo;

/// <summary>
/// A dynamic namespace: a rule that decides which names may be joined, and the middleware and handlers that every
/// child namespace created from it shares. Children are created on the first CONNECT to a matching name.
/// </summary>
/// <example>
/// <code>
/// io.Of(new Regex("^/dyn-[a-z0-9]+$")).OnConnection(socket => ...);
/// io.Of((name, auth) => ValueTask.FromResult(name.StartsWith("/team-"))).Use(...);
/// </code>
/// </example>
public sealed class ParentNamespace
{
    private readonly Func<string, JsonElement, ValueTask<bool>> _matches;
    private readonly ConcurrentDictionary<string, Namespace> _children = new(StringComparer.Ordinal);
    private readonly NamespaceListeners _listeners = new();

    internal ParentNamespace(SocketIoServer server, Func<string, JsonElement, ValueTask<bool>> matches)
    {
        Server = server;
        _matches = matches;
    }

    /// <summary>The server.</summary>
    public SocketIoServer Server { get; }

    /// <summary>The child namespaces that exist now.</summary>
    public ICollection<Namespace> Children => _children.Values;

    /// <summary>Adds connection middleware shared by every child.</summary>
    public ParentNamespace Use(ConnectionMiddleware middleware)
    {
        _listeners.Add(middleware);
        return this;
    }

    /// <summary>Adds event middleware shared by every child.</summary>
    public ParentNamespace UseForEvents(EventMiddleware middleware)
    {
        _listeners.Add(middleware);
        return this;
    }

    /// <summary>Runs <paramref name="handler"/> for each socket that joins any child.</summary>
    public ParentNamespace OnConnection(Func<Socket, ValueTask> handler)
    {
        _listeners.Add(handler);
        return this;
    }

    /// <summary>Runs <paramref name="handler"/> for each socket that joins any child.</summary>
    public ParentNamespace OnConnection(Action<Socket> handler)
    {
        _listeners.Add(handler);
        return this;
    }

    /// <summary>Emits to every socket of every child.</summary>
    public async ValueTask EmitAsync(string eventName, params object?[] args)
    {
        foreach (var child in _children.Values)
            await child.EmitAsync(eventName, args).ConfigureAwait(false);
    }

    internal ImmutableArray<ConnectionMiddleware> ConnectionMiddleware => _listeners.ConnectionMiddleware;

    internal ImmutableArray<EventMiddleware> EventMiddleware => _listeners.EventMiddleware;

    internal ValueTask<bool> MatchesAsync(string name, JsonElement auth) => _matches(name, auth);

    internal Namespace CreateChild(string name) => _children.GetOrAdd(name, n => new Namespace(Server, n, this));

    internal void RemoveChild(Namespace child) => _children.TryRemove(new KeyValuePair<string, Namespace>(child.Name, child));

    internal void RaiseConnection(Socket socket)
    {
        foreach (var handler in _listeners.ConnectionHandlers)
            _ = socket.Namespace.RunHandlerAsync(handler, socket);
    }
}
