using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TypedIo.Diagnostics;
using TypedIo.EngineIo;

namespace TypedIo.SocketIo;

/// <summary>
/// A Socket.IO v5 server over Engine.IO v4 (Node's <c>Server</c>): namespaces, static and dynamic. Get it from
/// DI after <c>services.AddTypedIo()</c>; serve it with <c>app.MapTypedIo()</c>.
/// </summary>
/// <example>
/// <code>
/// var io = app.Services.GetRequiredService&lt;SocketIoServer&gt;();
/// io.Of("/").OnConnection(socket => socket.On("echo", e => socket.EmitAsync("echo", e.Args)));
/// </code>
/// </example>
public sealed class SocketIoServer : IEngineIoHandler
{
    private readonly ConcurrentDictionary<string, Namespace> _namespaces = new(StringComparer.Ordinal);
    private readonly List<ParentNamespace> _parents = [];
    private readonly IServiceScopeFactory? _scopes;
    private readonly IServiceProviderIsService? _isService;
    private Func<Namespace, SocketAdapter> _adapterFactory = nsp => new InMemoryAdapter(nsp);

    /// <summary>Creates a server.</summary>
    public SocketIoServer(SocketIoOptions options, ILoggerFactory? loggerFactory = null, IServiceProvider? services = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        Logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("TypedIo.SocketIo");
        TimeProvider = timeProvider ?? TimeProvider.System;
        Parser = options.Parser ?? new JsonPacketParser(options.JsonSerializerOptions, new JsonPacketParserOptions { MaxAttachments = options.MaxAttachments, MaxDepth = options.MaxJsonDepth });
        Services = services;
        _scopes = services?.GetService<IServiceScopeFactory>();
        _isService = services?.GetService<IServiceProviderIsService>();
        Metrics = TypedIoMetrics.Create(services?.GetService<IMeterFactory>());
        Engine = new EngineIoServer(options.EngineIo, this, loggerFactory, timeProvider, Metrics);
        if (services?.GetService<ISocketAdapterFactory>() is { } adapters)
            _adapterFactory = adapters.Create;
        Of("/");
    }

    /// <summary>The options in force.</summary>
    public SocketIoOptions Options { get; }

    /// <summary>The wire format.</summary>
    public IPacketParser Parser { get; }

    /// <summary>The Engine.IO server underneath.</summary>
    public EngineIoServer Engine { get; }

    /// <summary>The main namespace <c>/</c>.</summary>
    public Namespace Sockets => _namespaces["/"];

    internal ILogger Logger { get; }
    internal TimeProvider TimeProvider { get; }
    internal TypedIoMetrics Metrics { get; }

    /// <summary>The namespaces that exist now (static ones and dynamic children).</summary>
    public ICollection<Namespace> Namespaces => _namespaces.Values;

    /// <summary>The namespace <paramref name="name"/>, created if needed (a missing leading slash is added).</summary>
    public Namespace Of(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!name.StartsWith('/'))
            name = "/" + name;
        return _namespaces.GetOrAdd(name, n => new Namespace(this, n));
    }

    /// <summary>A dynamic namespace: every name matching <paramref name="pattern"/> may be joined.</summary>
    public ParentNamespace Of(Regex pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        return Of((name, _) => ValueTask.FromResult(pattern.IsMatch(name)));
    }

    /// <summary>A dynamic namespace: every name for which <paramref name="predicate"/> says yes may be joined.</summary>
    public ParentNamespace Of(Func<string, JsonElement, ValueTask<bool>> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var parent = new ParentNamespace(this, predicate);
        lock (_parents)
            _parents.Add(parent);
        return parent;
    }

    /// <summary>Replaces the adapter for namespaces created from now on (for example a multi-node adapter).</summary>
    public void UseAdapter(Func<Namespace, SocketAdapter> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        _adapterFactory = factory;
    }

    /// <summary>Emits to every socket of the main namespace.</summary>
    public ValueTask EmitAsync(string eventName, params object?[] args) => Sockets.EmitAsync(eventName, args);

    /// <summary>Emits received arguments as they came to every socket of the main namespace (see <see cref="BroadcastOperator.EmitAsync(string, SocketArgs)"/>).</summary>
    public ValueTask EmitAsync(string eventName, SocketArgs args) => Sockets.EmitAsync(eventName, args);

    /// <summary>The sockets of the main namespace in <paramref name="room"/>.</summary>
    public BroadcastOperator To(string room) => Sockets.To(room);

    /// <summary>Every socket of the main namespace, of every node with a multi-node adapter (Node's <c>io.fetchSockets()</c>).</summary>
    public Task<IReadOnlyList<RemoteSocket>> FetchSocketsAsync() => Sockets.FetchSocketsAsync();

    /// <summary>Makes every socket of the main namespace join <paramref name="room"/> (Node's <c>io.socketsJoin</c>).</summary>
    public void SocketsJoin(string room) => Sockets.SocketsJoin(room);

    /// <summary>Makes every socket of the main namespace leave <paramref name="room"/> (Node's <c>io.socketsLeave</c>).</summary>
    public void SocketsLeave(string room) => Sockets.SocketsLeave(room);

    /// <summary>Disconnects every socket of the main namespace (Node's <c>io.disconnectSockets</c>).</summary>
    public void DisconnectSockets(bool close = false) => Sockets.DisconnectSockets(close);

    /// <summary>
    /// Sends <paramref name="eventName"/> to the other server nodes, in the main namespace (see
    /// <see cref="Namespace.ServerSideEmit"/>); with the in-memory adapter nobody receives it.
    /// </summary>
    public void ServerSideEmit(string eventName, params object?[] args) => Sockets.ServerSideEmit(eventName, args);

    /// <summary>
    /// Sends <paramref name="eventName"/> to the other server nodes and collects their answers, in the main namespace
    /// (see <see cref="Namespace.ServerSideEmitWithAckAsync"/>); with the in-memory adapter, no answers at once.
    /// </summary>
    public Task<ServerSideAckResult> ServerSideEmitWithAckAsync(string eventName, object?[] args, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        Sockets.ServerSideEmitWithAckAsync(eventName, args, timeout, cancellationToken);

    /// <summary>Handles <paramref name="eventName"/> sent by another server node to the main namespace.</summary>
    public SocketIoServer OnServerSideEmit(string eventName, Func<ServerSideEvent, ValueTask> handler)
    {
        Sockets.OnServerSideEmit(eventName, handler);
        return this;
    }

    /// <summary>Handles <paramref name="eventName"/> sent by another server node to the main namespace, synchronously.</summary>
    public SocketIoServer OnServerSideEmit(string eventName, Action<ServerSideEvent> handler)
    {
        Sockets.OnServerSideEmit(eventName, handler);
        return this;
    }

    /// <summary>
    /// Disconnects every socket with reason <c>server shutting down</c> and closes every connection. Called on
    /// application shutdown.
    /// </summary>
    public void Close()
    {
        foreach (var nsp in _namespaces.Values)
        {
            foreach (var socket in nsp.ConnectedSockets)
                socket.OnClose(SocketDisconnectReasons.ServerShuttingDown);
        }
        Engine.CloseAll();
    }

    internal SocketAdapter CreateAdapter(Namespace nsp) => _adapterFactory(nsp);

    /// <summary>The application's root services, or null; singletons (options) are read from here, not from a socket's scope.</summary>
    internal IServiceProvider? Services { get; }

    internal IServiceScope? CreateServiceScope() => _scopes?.CreateScope();

    /// <summary>
    /// Whether a socket's scope may resolve <paramref name="serviceType"/>: asked before making the scope only to
    /// find that nothing is registered. True when the container cannot tell.
    /// </summary>
    internal bool MayHaveService(Type serviceType) => _scopes is not null && (_isService?.IsService(serviceType) ?? true);

    internal async ValueTask<Namespace?> ResolveNamespaceAsync(string name, JsonElement auth)
    {
        if (_namespaces.TryGetValue(name, out var existing))
            return existing;
        ParentNamespace[] parents;
        lock (_parents)
            parents = [.. _parents];
        foreach (var parent in parents)
        {
            if (!await MatchesAsync(parent, name, auth).ConfigureAwait(false))
                continue;
            var child = _namespaces.GetOrAdd(name, _ => parent.CreateChild(name));
            return child;
        }
        return null;
    }

    /// <summary>A predicate that throws is logged and counts as no match: the client gets "Invalid namespace".</summary>
    private async ValueTask<bool> MatchesAsync(ParentNamespace parent, string name, JsonElement auth)
    {
        try
        {
            return await parent.MatchesAsync(name, auth).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            SocketIoLog.NamespacePredicateFailed(Logger, name, ex);
            return false;
        }
    }

    internal void OnChildNamespaceEmpty(Namespace child)
    {
        if (!Options.CleanupEmptyChildNamespaces || child.Parent is null)
            return;
        if (_namespaces.TryRemove(new KeyValuePair<string, Namespace>(child.Name, child)))
        {
            child.Parent.RemoveChild(child);
            child.Adapter.Close();
        }
    }

    ValueTask IEngineIoHandler.OnConnectedAsync(EngineIoSession session)
    {
        session.HandlerState = new SocketIoClient(this, session);
        return ValueTask.CompletedTask;
    }

    ValueTask IEngineIoHandler.OnMessageAsync(EngineIoSession session, EngineMessage message) =>
        session.HandlerState is SocketIoClient client ? client.OnMessageAsync(message) : ValueTask.CompletedTask;

    void IEngineIoHandler.OnClosed(EngineIoSession session, string reason)
    {
        if (session.HandlerState is SocketIoClient client)
            client.OnClosed(reason);
    }
}
