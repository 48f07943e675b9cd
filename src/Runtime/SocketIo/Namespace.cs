using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace TypedIo.SocketIo;

/// <summary>
/// A namespace: its sockets, rooms (through its adapter), connection middleware and connection handlers.
/// Broadcasting from here includes every socket of the namespace.
/// </summary>
/// <example>
/// <code>
/// var chat = io.Of("/chat");
/// chat.Use(async (socket, next) => { if (socket.User.Identity?.IsAuthenticated != true) throw new SocketConnectException("unauthorized"); await next(); });
/// chat.OnConnection(socket => socket.On("say", e => chat.EmitAsync("said", e.Args)));
/// </code>
/// </example>
public sealed class Namespace
{
    private readonly ConcurrentDictionary<string, Socket> _sockets = new(StringComparer.Ordinal);
    private readonly NamespaceListeners _listeners = new();
    private readonly ServerSideListeners _serverSideListeners = new();
    private long _ackIds = -1;

    internal Namespace(SocketIoServer server, string name, ParentNamespace? parent = null)
    {
        Server = server;
        Name = name;
        Parent = parent;
        Adapter = server.CreateAdapter(this);
    }

    /// <summary>Whether connection state recovery is on: sockets get a private id and their emits go through the adapter.</summary>
    internal bool IsRecoveryEnabled => Server.Options.ConnectionStateRecovery is not null;

    /// <summary>
    /// Encodes an event once and hands it to the adapter. With connection state recovery on, the adapter gives a
    /// non-volatile event its offset (see <see cref="SocketAdapter.NeedsOffset(EncodedPacket, BroadcastOptions)"/>).
    /// </summary>
    internal ValueTask BroadcastEventAsync(string eventName, object?[] args, BroadcastOptions options) =>
        Adapter.BroadcastAsync(Server.Parser.EncodeEvent(Name, eventName, args), options);

    /// <summary><see cref="BroadcastEventAsync(string, object[], BroadcastOptions)"/> with received arguments, written as they came.</summary>
    internal ValueTask BroadcastEventAsync(string eventName, SocketArgs args, BroadcastOptions options) =>
        Adapter.BroadcastAsync(
            Server.Parser is JsonPacketParser json ? json.EncodeEvent(Name, eventName, args) : Server.Parser.EncodeEvent(Name, eventName, args.ToEmitArgs()),
            options);

    /// <summary>The namespace name, such as <c>/</c> or <c>/admin</c>.</summary>
    public string Name { get; }

    /// <summary>The server.</summary>
    public SocketIoServer Server { get; }

    /// <summary>The adapter keeping this namespace's rooms.</summary>
    public SocketAdapter Adapter { get; }

    /// <summary>The dynamic namespace this one was created by, if any.</summary>
    public ParentNamespace? Parent { get; }

    /// <summary>Number of connected sockets.</summary>
    public int SocketCount => _sockets.Count;

    /// <summary>The ids of the connected sockets.</summary>
    public ICollection<string> SocketIds => _sockets.Keys;

    /// <summary>The connected sockets.</summary>
    public ICollection<Socket> ConnectedSockets => _sockets.Values;

    /// <summary>Finds a connected socket by id.</summary>
    public bool TryGetSocket(string id, [NotNullWhen(true)] out Socket? socket) => _sockets.TryGetValue(id, out socket);

    /// <summary>Adds connection middleware: it runs, in order of addition, before a socket joins.</summary>
    public Namespace Use(ConnectionMiddleware middleware)
    {
        _listeners.Add(middleware);
        return this;
    }

    /// <summary>Adds event middleware that runs for every event of every socket of this namespace.</summary>
    public Namespace UseForEvents(EventMiddleware middleware)
    {
        _listeners.Add(middleware);
        return this;
    }

    /// <summary>Runs <paramref name="handler"/> for each socket that joins, after the CONNECT reply was sent.</summary>
    public Namespace OnConnection(Func<Socket, ValueTask> handler)
    {
        _listeners.Add(handler);
        return this;
    }

    /// <summary>Runs <paramref name="handler"/> for each socket that joins.</summary>
    public Namespace OnConnection(Action<Socket> handler)
    {
        _listeners.Add(handler);
        return this;
    }

    /// <summary>Every socket of the namespace.</summary>
    public BroadcastOperator All => new(this, BroadcastOptions.All);

    /// <summary>The sockets in <paramref name="room"/>.</summary>
    public BroadcastOperator To(string room) => All.To(room);

    /// <summary>Same as <see cref="To"/>.</summary>
    public BroadcastOperator In(string room) => All.To(room);

    /// <summary>Every socket except those in <paramref name="room"/>.</summary>
    public BroadcastOperator Except(string room) => All.Except(room);

    /// <summary>Only sockets on this server node.</summary>
    public BroadcastOperator Local => All.Local;

    /// <summary>Dropped for sockets that cannot take it right away.</summary>
    public BroadcastOperator Volatile => All.Volatile;

    /// <summary>Emits to every socket of the namespace.</summary>
    public ValueTask EmitAsync(string eventName, params object?[] args) => All.EmitAsync(eventName, args);

    /// <summary>Emits received arguments as they came to every socket of the namespace (see <see cref="BroadcastOperator.EmitAsync(string, SocketArgs)"/>).</summary>
    public ValueTask EmitAsync(string eventName, SocketArgs args) => All.EmitAsync(eventName, args);

    /// <summary>
    /// Disconnects every socket, of every node with a multi-node adapter (and closes their connections when
    /// <paramref name="close"/>).
    /// </summary>
    public void DisconnectSockets(bool close = false) => All.DisconnectSockets(close);

    /// <summary>Every socket of the namespace, of every node with a multi-node adapter (Node's <c>nsp.fetchSockets()</c>).</summary>
    public Task<IReadOnlyList<RemoteSocket>> FetchSocketsAsync() => All.FetchSocketsAsync();

    /// <summary>Makes every socket of the namespace join <paramref name="room"/> (Node's <c>nsp.socketsJoin</c>).</summary>
    public void SocketsJoin(string room) => All.SocketsJoin(room);

    /// <summary>Makes every socket of the namespace leave <paramref name="room"/> (Node's <c>nsp.socketsLeave</c>).</summary>
    public void SocketsLeave(string room) => All.SocketsLeave(room);

    // ---- server-side emits (between server nodes) ----

    /// <summary>
    /// Sends <paramref name="eventName"/> to the other server nodes of this namespace, whose
    /// <see cref="OnServerSideEmit(string, Func{ServerSideEvent, ValueTask})"/> listeners get it (Node's
    /// <c>serverSideEmit</c>). Never to clients, and never to this node: with the in-memory adapter (one node) nobody
    /// receives it.
    /// </summary>
    public void ServerSideEmit(string eventName, params object?[] args)
    {
        ReservedEvents.ThrowIfReserved(eventName);
        ArgumentNullException.ThrowIfNull(args);
        Adapter.ServerSideEmit(eventName, args);
    }

    /// <summary>
    /// Sends <paramref name="eventName"/> to the other server nodes and collects one answer per node, waiting at most
    /// <paramref name="timeout"/> (Node's <c>serverSideEmitWithAck</c>). With the in-memory adapter there is no other
    /// node: it completes at once with no answers.
    /// </summary>
    public Task<ServerSideAckResult> ServerSideEmitWithAckAsync(string eventName, object?[] args, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ReservedEvents.ThrowIfReserved(eventName);
        ArgumentNullException.ThrowIfNull(args);
        if (timeout <= TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The timeout must be positive, or Timeout.InfiniteTimeSpan.");
        return Adapter.ServerSideEmitWithAckAsync(eventName, args, timeout, cancellationToken);
    }

    /// <summary>
    /// Handles <paramref name="eventName"/> sent by another server node with <see cref="ServerSideEmit"/> (Node's
    /// <c>nsp.on(event, ...)</c>). Only a multi-node adapter delivers these.
    /// </summary>
    public Namespace OnServerSideEmit(string eventName, Func<ServerSideEvent, ValueTask> handler)
    {
        _serverSideListeners.Add(eventName, handler);
        return this;
    }

    /// <summary>Handles <paramref name="eventName"/> sent by another server node, with a synchronous handler.</summary>
    public Namespace OnServerSideEmit(string eventName, Action<ServerSideEvent> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return OnServerSideEmit(eventName, e =>
        {
            handler(e);
            return ValueTask.CompletedTask;
        });
    }

    /// <summary>Removes <paramref name="handler"/>, or every server-side handler of <paramref name="eventName"/> when null.</summary>
    public Namespace OffServerSideEmit(string eventName, Func<ServerSideEvent, ValueTask>? handler = null)
    {
        _serverSideListeners.Remove(eventName, handler);
        return this;
    }

    /// <summary>Runs the listeners of an event another node sent; each starts synchronously, none is awaited.</summary>
    internal void RaiseServerSideEmit(ServerSideEvent serverSideEvent)
    {
        foreach (var handler in _serverSideListeners.For(serverSideEvent.Name))
            _ = RunServerSideHandlerAsync(handler, serverSideEvent);
    }

    private async Task RunServerSideHandlerAsync(Func<ServerSideEvent, ValueTask> handler, ServerSideEvent serverSideEvent)
    {
        try
        {
            await handler(serverSideEvent).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            SocketIoLog.ServerSideHandlerFailed(Server.Logger, serverSideEvent.Name, Name, ex);
        }
    }

    /// <summary>
    /// The next ack id of this namespace (Node's <c>nsp._ids</c>). One counter for every socket and broadcast, so a
    /// broadcast can carry one id in the same bytes to every recipient and register it in each one's ack table. A
    /// multi-node adapter takes one for a broadcast with ack that another node asked for.
    /// </summary>
    public long NextAckId() => Interlocked.Increment(ref _ackIds);

    internal ImmutableArray<EventMiddleware> EventMiddleware => Parent is null ? _listeners.EventMiddleware : Parent.EventMiddleware.AddRange(_listeners.EventMiddleware);

    internal IReadOnlyList<EventMiddleware> CombineEventMiddleware(ImmutableArray<EventMiddleware> socketMiddleware)
    {
        var shared = EventMiddleware;
        return shared.IsEmpty ? socketMiddleware : shared.AddRange(socketMiddleware);
    }

    internal IReadOnlyList<ConnectionMiddleware> ConnectionMiddleware =>
        Parent is null ? _listeners.ConnectionMiddleware : Parent.ConnectionMiddleware.AddRange(_listeners.ConnectionMiddleware);

    /// <summary>Whether a CONNECT runs any middleware (asked without boxing the list).</summary>
    internal bool HasConnectionMiddleware =>
        !_listeners.ConnectionMiddleware.IsEmpty || Parent is { } parent && !parent.ConnectionMiddleware.IsEmpty;

    internal void Add(Socket socket) => _sockets[socket.Id] = socket;

    internal void Remove(Socket socket)
    {
        if (_sockets.TryRemove(new KeyValuePair<string, Socket>(socket.Id, socket)))
            RemoveIfEmptyChild();
    }

    /// <summary>A dynamic child without sockets is removed, when the server cleans up empty children.</summary>
    internal void RemoveIfEmptyChild()
    {
        if (_sockets.IsEmpty && Parent is not null)
            Server.OnChildNamespaceEmpty(this);
    }

    /// <summary>Runs the connection handlers; each starts synchronously, none is awaited by the receive path.</summary>
    internal void RaiseConnection(Socket socket)
    {
        if (Parent is not null)
            Parent.RaiseConnection(socket);
        foreach (var handler in _listeners.ConnectionHandlers)
            _ = RunHandlerAsync(handler, socket);
    }

    internal async Task RunHandlerAsync(Func<Socket, ValueTask> handler, Socket socket)
    {
        try
        {
            await handler(socket).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            SocketIoLog.HandlerFailed(Server.Logger, socket.Id, "connection", ex);
        }
    }
}
