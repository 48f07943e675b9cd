using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using TypedIo.Diagnostics;
using TypedIo.EngineIo;

namespace TypedIo.SocketIo;

/// <summary>
/// A client's presence in one namespace (Node's server-side <c>Socket</c>). One Engine.IO connection can carry
/// sockets of several namespaces. Thread-safe: handlers of one socket may run concurrently.
/// </summary>
public sealed class Socket
{
    private readonly SocketIoClient _client;
    private readonly SocketEventHandlers _handlers = new();
    private readonly PendingAcks _acks;
    private readonly object _gate = new();
    private readonly int _maxEventsInFlight;
    private int _eventsInFlight;
    // Made when the reader waits for a slot (a client with MaxConcurrentEventsPerSocket events in flight): most sockets
    // never do, and a SemaphoreSlim held for the socket's whole life would cost every socket ~90 bytes.
    private TaskCompletionSource? _slotFreed;
    private ConcurrentDictionary<string, object?>? _data;
    private object? _scope; // the socket's IServiceScope, made on the first use of Services; ScopeClosed once it closed
    private ClaimsPrincipal? _user; // set by an ISocketAuthenticator; else the handshake's user
    private ImmutableArray<EventMiddleware> _middleware = [];
    private string? _lastEventName;
    private int _connected;
    private int _closed;
    private bool _countedConnection;
    private long _connectedAt;

    internal Socket(Namespace nsp, SocketIoClient client, JsonElement auth, SocketSession? restored = null)
    {
        Namespace = nsp;
        _client = client;
        Id = restored?.Id ?? EngineIo.SessionId.Create();
        PrivateId = restored?.PrivateId ?? (nsp.IsRecoveryEnabled ? EngineIo.SessionId.Create() : null);
        if (restored is not null)
        {
            Recovered = true;
            if (restored.Data.Count > 0)
                _data = new ConcurrentDictionary<string, object?>(restored.Data, StringComparer.Ordinal);
        }
        Handshake = new SocketHandshake(client.Session.Handshake, auth);
        _acks = new PendingAcks(this);
        _maxEventsInFlight = nsp.Server.Options.MaxConcurrentEventsPerSocket;
    }

    /// <summary>The socket id: random, distinct from the Engine.IO session id, and the name of its own room.</summary>
    public string Id { get; }

    /// <summary>
    /// Whether this socket is one that had lost its connection and was recovered (same id, rooms and data, missed
    /// packets replayed): see <see cref="SocketIoOptions.ConnectionStateRecovery"/>.
    /// </summary>
    public bool Recovered { get; internal set; }

    /// <summary>The private session id the client presents to recover (only with connection state recovery).</summary>
    internal string? PrivateId { get; private set; }

    /// <summary>The namespace this socket belongs to.</summary>
    public Namespace Namespace { get; }

    /// <summary>The handshake: headers, query, auth payload, address, time.</summary>
    public SocketHandshake Handshake { get; }

    /// <summary>
    /// Who the socket acts for: the user from ASP.NET Core authentication of the handshake request when it is
    /// authenticated, else what the registered <see cref="ISocketAuthenticator"/> made of the CONNECT <c>auth</c>
    /// payload, else the anonymous user of the request.
    /// </summary>
    public ClaimsPrincipal User
    {
        get => Volatile.Read(ref _user) ?? Handshake.User;
        internal set => Volatile.Write(ref _user, value);
    }

    /// <summary>Whether <see cref="User"/> is authenticated (without making the handshake's anonymous user).</summary>
    internal bool IsAuthenticated => Volatile.Read(ref _user) is { } user ? user.Identity?.IsAuthenticated == true : Handshake.IsAuthenticated;

    /// <summary>The underlying Engine.IO session (shared by this connection's sockets of other namespaces).</summary>
    public EngineIoSession Connection => _client.Session;

    /// <summary>Whether the socket is connected to its namespace.</summary>
    public bool Connected => Volatile.Read(ref _connected) == 1;

    /// <summary>Free-form per-socket state (created on first use: most sockets never need one).</summary>
    public ConcurrentDictionary<string, object?> Data =>
        LazyInitializer.EnsureInitialized(ref _data, static () => new ConcurrentDictionary<string, object?>(StringComparer.Ordinal));

    /// <summary>The rooms this socket is in, its own id room included.</summary>
    public IReadOnlySet<string> Rooms => Namespace.Adapter.SocketRooms(Id);

    /// <summary>
    /// Services of the scope created for this socket (already in connection middleware); disposed when it
    /// disconnects or is refused. Null when the server was made without a service provider.
    /// </summary>
    /// <remarks>
    /// The scope is made on the first use, so a socket whose handlers never ask for a service keeps none (an idle
    /// socket held for hours would keep it for nothing). Asked for after the socket closed, it is a scope already
    /// disposed, as the socket's own is by then.
    /// </remarks>
    public IServiceProvider? Services => Volatile.Read(ref _scope) is IServiceScope scope ? scope.ServiceProvider : CreateServices();

    /// <summary>Whether the socket's scope was made (tests).</summary>
    internal bool HasServiceScope => Volatile.Read(ref _scope) is IServiceScope;

    private IServiceProvider? CreateServices()
    {
        if (Namespace.Server.CreateServiceScope() is not { } created)
            return null;
        var seen = Interlocked.CompareExchange(ref _scope, created, null);
        if (seen is null)
            return created.ServiceProvider;
        created.Dispose();
        // Another thread made it first; or the socket closed, and a late caller gets a disposed scope (never one
        // that nothing would dispose).
        return seen is IServiceScope other ? other.ServiceProvider : created.ServiceProvider;
    }

    private void DisposeServices()
    {
        if (Interlocked.Exchange(ref _scope, ScopeClosed) is IServiceScope scope)
            scope.Dispose();
    }

    private static readonly object ScopeClosed = new();

    internal SocketIoClient Client => _client;

    /// <summary>Raised while the socket is disconnecting, before it leaves its rooms, with the reason.</summary>
    public event Action<Socket, string>? Disconnecting;

    /// <summary>Raised once the socket has disconnected, with the reason.</summary>
    public event Action<Socket, string>? Disconnected;

    // ---- listening ----

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

    // ---- emitting ----

    /// <summary>Emits <paramref name="eventName"/> to this client.</summary>
    public ValueTask EmitAsync(string eventName, params object?[] args)
    {
        ReservedEvents.ThrowIfReserved(eventName);
        _handlers.NotifyOutgoing(eventName, args);
        // With recovery on, an emit to one socket is kept like a broadcast to its own room (as Node does), with an offset.
        if (Namespace.IsRecoveryEnabled)
            return Namespace.BroadcastEventAsync(eventName, args, BroadcastOptions.All with { Rooms = [Id] });
        Write(EncodeEvent(eventName, args, null, out var frame), frame, isVolatile: false);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Emits <paramref name="eventName"/> to this client with received arguments as they came (binary included), for
    /// example <c>socket.EmitAsync("echo", e.Args)</c>: their JSON is written from the received bytes, without the JSON
    /// tree that <see cref="SocketArgs.ToEmitArgs"/> makes.
    /// </summary>
    public ValueTask EmitAsync(string eventName, SocketArgs args)
    {
        ReservedEvents.ThrowIfReserved(eventName);
        ArgumentNullException.ThrowIfNull(args);
        if (_handlers.HasOutgoingListeners)
            _handlers.NotifyOutgoing(eventName, args.ToEmitArgs());
        if (Namespace.IsRecoveryEnabled)
            return Namespace.BroadcastEventAsync(eventName, args, BroadcastOptions.All with { Rooms = [Id] });
        Write(EncodeEvent(eventName, args, out var frame), frame, isVolatile: false);
        return ValueTask.CompletedTask;
    }

    /// <summary>Emits <paramref name="eventName"/> only if the transport can take it right away.</summary>
    public ValueTask EmitVolatileAsync(string eventName, params object?[] args)
    {
        ReservedEvents.ThrowIfReserved(eventName);
        _handlers.NotifyOutgoing(eventName, args);
        Write(EncodeEvent(eventName, args, null, out var frame), frame, isVolatile: true);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Emits <paramref name="eventName"/> and waits for the client's ack. Throws
    /// <see cref="SocketAckTimeoutException"/> after <paramref name="timeout"/> (when given) and
    /// <see cref="SocketDisconnectedException"/> if the socket disconnects first.
    /// </summary>
    public Task<SocketArgs> EmitWithAckAsync(string eventName, object?[] args, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ReservedEvents.ThrowIfReserved(eventName);
        ArgumentNullException.ThrowIfNull(args);
        if (!Connected)
            return Task.FromException<SocketArgs>(new SocketDisconnectedException(SocketDisconnectReasons.ServerNamespaceDisconnect));
        // Ids come from the namespace's counter (Node's nsp._ids), which broadcasts with ack share.
        var id = Namespace.NextAckId();
        var task = _acks.Register(id, eventName, timeout, Namespace.Server.TimeProvider, cancellationToken);
        _handlers.NotifyOutgoing(eventName, args);
        Write(EncodeEvent(eventName, args, id, out var frame), frame, isVolatile: false);
        return task;
    }

    /// <summary>Answers ack <paramref name="id"/> with <paramref name="args"/>, or with the received <paramref name="relayed"/> when given.</summary>
    internal bool SendAck(long id, string eventName, object?[] args, SocketArgs? relayed = null)
    {
        if (!Connected)
            return false;
        EncodedPacket? packet;
        EngineFrame frame;
        try
        {
            packet = relayed is null ? EncodeAck(id, args, out frame) : EncodeAck(id, relayed, out frame);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A value the serializer cannot write (NaN, a cycle, a throwing getter): the client still gets an answer.
            SocketIoLog.AckEncodingFailed(Namespace.Server.Logger, Id, eventName, ex);
            packet = EncodeAck(id, [ServerErrorRejection.ToJson()], out frame);
        }
        Write(packet, frame, isVolatile: false);
        return true;
    }

    // For this socket alone, the JSON parser gives a packet without attachments as its one text frame (null packet):
    // no frame list and no EncodedPacket per emit or ack. Another parser's packet is queued as it is.
    private EncodedPacket? EncodeEvent(string eventName, object?[] args, long? ackId, out EngineFrame frame)
    {
        var parser = Namespace.Server.Parser;
        if (parser is JsonPacketParser json)
            return json.EncodeEventFrame(Namespace.Name, eventName, args, ackId, out frame);
        frame = default;
        return parser.EncodeEvent(Namespace.Name, eventName, args, ackId);
    }

    // Received arguments: the JSON parser writes them from their bytes; another parser gets them as values.
    private EncodedPacket? EncodeEvent(string eventName, SocketArgs relayed, out EngineFrame frame)
    {
        var parser = Namespace.Server.Parser;
        if (parser is JsonPacketParser json)
            return json.EncodeEventFrame(Namespace.Name, eventName, relayed, null, out frame);
        frame = default;
        return parser.EncodeEvent(Namespace.Name, eventName, relayed.ToEmitArgs());
    }

    private EncodedPacket? EncodeAck(long id, object?[] args, out EngineFrame frame)
    {
        var parser = Namespace.Server.Parser;
        if (parser is JsonPacketParser json)
            return json.EncodeAckFrame(Namespace.Name, id, args, out frame);
        frame = default;
        return parser.EncodeAck(Namespace.Name, id, args);
    }

    private EncodedPacket? EncodeAck(long id, SocketArgs relayed, out EngineFrame frame)
    {
        var parser = Namespace.Server.Parser;
        if (parser is JsonPacketParser json)
            return json.EncodeAckFrame(Namespace.Name, id, relayed, out frame);
        frame = default;
        return parser.EncodeAck(Namespace.Name, id, relayed.ToEmitArgs());
    }

    /// <summary>Queues <paramref name="packet"/>, or <paramref name="frame"/> when there is no packet, and counts it as sent.</summary>
    private void Write(EncodedPacket? packet, in EngineFrame frame, bool isVolatile)
    {
        if (packet is not null)
        {
            Write(packet, isVolatile);
            return;
        }
        if (isVolatile ? _client.Session.SendVolatile(frame) : _client.Session.Send(frame))
            Namespace.Server.Metrics.PacketsSent(Namespace.Name, 1);
    }

    /// <summary>What a client's ack gets when the server failed to produce its answer (no internals leaked).</summary>
    internal static readonly SocketRejection ServerErrorRejection = new(SocketRejectionCodes.ServerError, "An unexpected error occurred.");

    /// <summary>Queues <paramref name="packet"/> to this client and counts it as sent.</summary>
    internal void Write(EncodedPacket packet, bool isVolatile)
    {
        if (WriteFrames(packet, isVolatile))
            Namespace.Server.Metrics.PacketsSent(Namespace.Name, 1);
    }

    /// <summary>Queues <paramref name="packet"/> without counting it (a broadcast counts its recipients at once).</summary>
    internal bool WriteFrames(EncodedPacket packet, bool isVolatile) =>
        isVolatile ? _client.Session.SendVolatile(packet.Frames) : _client.Session.Send(packet.Frames);

    /// <summary>
    /// Registers <paramref name="entry"/> (a broadcast's shared ack entry) under <paramref name="id"/>. False when the
    /// socket is no longer connected: then nothing is registered.
    /// </summary>
    internal bool ExpectAck(long id, PendingAck entry) => _acks.TryAdd(id, entry);

    /// <summary>Stops waiting for ack <paramref name="id"/> (a broadcast that timed out or was cancelled).</summary>
    internal void ForgetAck(long id) => _acks.Remove(id);

    /// <summary>Whether this socket has created its table of pending acks (for tests: it is created on first use).</summary>
    internal bool HasAckTable => _acks.HasTable;

    /// <summary>The connect span, which event spans link to.</summary>
    internal ActivityContext ConnectActivity { get; set; }

    /// <summary>A copy of <see cref="Data"/> (empty when it was never used).</summary>
    internal IReadOnlyDictionary<string, object?> DataSnapshot()
    {
        var data = Volatile.Read(ref _data);
        return data is null || data.IsEmpty
            ? new Dictionary<string, object?>(StringComparer.Ordinal)
            : new Dictionary<string, object?>(data, StringComparer.Ordinal);
    }

    // ---- rooms and broadcasting ----

    /// <summary>Joins <paramref name="room"/>.</summary>
    public void Join(string room) => Join([room]);

    /// <summary>
    /// Joins every room of <paramref name="rooms"/>. Works from connection middleware too (the rooms are left if the
    /// socket is refused); ignored once the socket has disconnected.
    /// </summary>
    public void Join(IEnumerable<string> rooms)
    {
        ArgumentNullException.ThrowIfNull(rooms);
        if (Volatile.Read(ref _closed) == 0)
            Namespace.Adapter.AddAll(Id, rooms);
    }

    /// <summary>Leaves <paramref name="room"/>.</summary>
    public void Leave(string room) => Namespace.Adapter.Delete(Id, room);

    /// <summary>
    /// This socket alone, with compression switched on or off for what is emitted through the result
    /// (Node's <c>socket.compress(false).emit(...)</c>).
    /// </summary>
    public BroadcastOperator Compress(bool compress) => new BroadcastOperator(Namespace, BroadcastOptions.All with { Rooms = [Id] }).Compress(compress);

    /// <summary>Every other socket of the namespace (this one excluded).</summary>
    public BroadcastOperator Broadcast => new(Namespace, BroadcastOptions.All with { Except = [Id] });

    /// <summary>The sockets in <paramref name="room"/>, this one excluded.</summary>
    public BroadcastOperator To(string room) => Broadcast.To(room);

    /// <summary>Same as <see cref="To"/>.</summary>
    public BroadcastOperator In(string room) => Broadcast.To(room);

    /// <summary>Every other socket of the namespace except those in <paramref name="room"/>.</summary>
    public BroadcastOperator Except(string room) => Broadcast.Except(room);

    // ---- lifecycle ----

    /// <summary>
    /// Disconnects this socket from its namespace (the client sees <c>io server disconnect</c>); with
    /// <paramref name="close"/>, closes the whole connection and every namespace on it.
    /// </summary>
    public void Disconnect(bool close = false)
    {
        if (!Connected)
            return;
        if (close)
        {
            _client.DisconnectAll();
            return;
        }
        // Leave the namespace before telling the client, so a client that reacts at once already sees it gone.
        OnClose(SocketDisconnectReasons.ServerNamespaceDisconnect);
        Write(Namespace.Server.Parser.EncodeDisconnect(Namespace.Name), isVolatile: false);
    }

    /// <summary>This socket came back but its missed packets are gone: it continues as a fresh socket.</summary>
    internal void ForgetRecovery()
    {
        Recovered = false;
        PrivateId = EngineIo.SessionId.Create();
        _data = null;
    }

    internal void OnConnect()
    {
        _connectedAt = Namespace.Server.TimeProvider.GetTimestamp();
        _countedConnection = Namespace.Server.Metrics.SocketConnected(Namespace.Name);
        Volatile.Write(ref _connected, 1);
        Namespace.Adapter.AddAll(Id, [Id]);
        var reply = new JsonObject { ["sid"] = Id };
        if (PrivateId is not null)
            reply["pid"] = PrivateId;
        Write(Namespace.Server.Parser.EncodeConnect(Namespace.Name, reply), isVolatile: false);
    }

    internal ValueTask OnPacketAsync(SocketPacket packet)
    {
        if (!Connected)
            return ValueTask.CompletedTask;
        switch (packet.Type)
        {
            case SocketPacketType.Event:
            case SocketPacketType.BinaryEvent:
                var args = SocketArgs.OfPacket(packet, Namespace.Server.Parser as JsonPacketParser);
                return Dispatch(new SocketEvent(this, ReadEventName(packet), args, packet.Id));
            case SocketPacketType.Ack:
            case SocketPacketType.BinaryAck:
                OnAck(SocketArgs.OfPacket(packet, Namespace.Server.Parser as JsonPacketParser), packet.Id);
                break;
            case SocketPacketType.Disconnect:
                OnClose(SocketDisconnectReasons.ClientNamespaceDisconnect);
                break;
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// A plain EVENT as the server's JSON decoder gives it: its arguments, which keep its payload, and its ack id
    /// (no <see cref="SocketPacket"/> is made for it).
    /// </summary>
    internal ValueTask OnEventAsync(SocketArgs args, long? ackId)
    {
        if (!Connected)
            return ValueTask.CompletedTask;
        return Dispatch(new SocketEvent(this, _lastEventName = args.ReadEventName(_lastEventName), args, ackId));
    }

    /// <summary>A client's answer to an ack this socket asked for (a plain ACK comes from the JSON decoder without a packet).</summary>
    internal void OnAck(SocketArgs args, long? ackId)
    {
        if (!Connected)
            return;
        // Node ignores these too ("bad ack"): a late answer after a timeout is normal, so the connection stays.
        if (ackId is not { } id || !_acks.Complete(id, args))
        {
            SocketIoLog.UnknownAck(Namespace.Server.Logger, Id, ackId);
            Namespace.Server.Metrics.PacketRejected(TypedIoTelemetry.RejectionReasons.UnknownAck, Namespace.Name);
        }
    }

    private ValueTask Dispatch(SocketEvent socketEvent)
    {
        // The common case takes a slot without waiting; a client with too many events in flight is not read
        // from until one finishes, so it cannot make the server hold an unbounded number of handlers.
        if (TryTakeEventSlot())
        {
            _ = DispatchAsync(socketEvent);
            return ValueTask.CompletedTask;
        }
        return DispatchWhenSlotFreeAsync(socketEvent);
    }

    /// <summary>
    /// The event name, as the same string instance while a client keeps sending the same event: a client mostly
    /// repeats a few names, and this saves a string per event.
    /// </summary>
    private string ReadEventName(SocketPacket packet)
    {
        var last = _lastEventName;
        if (packet.EventArgs is { } args)
            return _lastEventName = args.ReadEventName(last);
        if (last is not null && packet.Data is { ValueKind: JsonValueKind.Array } data && data.GetArrayLength() > 0
            && data[0] is { ValueKind: JsonValueKind.String } name && name.ValueEquals(last))
            return last;
        return _lastEventName = packet.EventName!;
    }

    private async ValueTask DispatchWhenSlotFreeAsync(SocketEvent socketEvent)
    {
        SocketIoLog.EventsThrottled(Namespace.Server.Logger, Id, Namespace.Server.Options.MaxConcurrentEventsPerSocket);
        Namespace.Server.Metrics.PacketRejected(TypedIoTelemetry.RejectionReasons.Throttled, Namespace.Name);
        // Only the connection's reader dispatches (one packet at a time), so there is at most one waiter.
        while (true)
        {
            var freed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Interlocked.Exchange(ref _slotFreed, freed); // a full fence: the look below cannot pass it
            // Looked at after publishing the wait: a slot released before then is seen here, one released after
            // completes the wait.
            if (TryTakeEventSlot())
            {
                Interlocked.CompareExchange(ref _slotFreed, null, freed);
                break;
            }
            try
            {
                await freed.Task.WaitAsync(Connection.Closed).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return; // the connection closed: nothing more to dispatch
            }
        }
        _ = DispatchAsync(socketEvent);
    }

    private bool TryTakeEventSlot()
    {
        var inFlight = Volatile.Read(ref _eventsInFlight);
        while (inFlight < _maxEventsInFlight)
        {
            var seen = Interlocked.CompareExchange(ref _eventsInFlight, inFlight + 1, inFlight);
            if (seen == inFlight)
                return true;
            inFlight = seen;
        }
        return false;
    }

    private void ReleaseEventSlot()
    {
        Interlocked.Decrement(ref _eventsInFlight);
        if (Volatile.Read(ref _slotFreed) is not null)
            Interlocked.Exchange(ref _slotFreed, null)?.TrySetResult();
    }

    /// <summary>
    /// Runs middleware, catch-all handlers and the event's handlers. Not awaited by the receive loop: a handler
    /// may await an ack from the same client. Each starts synchronously, so handlers start in arrival order.
    /// </summary>
    private async Task DispatchAsync(SocketEvent socketEvent)
    {
        var previous = Activity.Current;
        var activity = TypedIoActivities.StartEvent(Namespace.Name, Id, socketEvent.Name, ConnectActivity);
        try
        {
            var middleware = _middleware;
            if (middleware.IsEmpty && Namespace.EventMiddleware.IsEmpty)
                await _handlers.InvokeAsync(socketEvent).ConfigureAwait(false);
            else
                await RunMiddlewareAsync(middleware, socketEvent).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            TypedIoActivities.Fail(activity, ex);
            SocketIoLog.HandlerFailed(Namespace.Server.Logger, Id, socketEvent.Name, ex);
            // The client's ack would otherwise wait for its timeout with no word of what happened.
            if (socketEvent.HasAck && !socketEvent.IsAcknowledged)
                socketEvent.Ack(ServerErrorRejection.ToJson());
        }
        finally
        {
            TypedIoActivities.Stop(activity, previous);
            ReleaseEventSlot();
        }
    }

    // Its own method: a lambda in DispatchAsync would allocate its closure on every event, middleware or not.
    private ValueTask RunMiddlewareAsync(ImmutableArray<EventMiddleware> middleware, SocketEvent socketEvent) =>
        MiddlewarePipeline.RunAsync(Namespace.CombineEventMiddleware(middleware), socketEvent, () => Connected ? _handlers.InvokeAsync(socketEvent) : ValueTask.CompletedTask);

    /// <summary>
    /// The socket never joined (refused by middleware, or its connection closed first): it leaves the rooms joined
    /// from middleware, and an empty dynamic child is cleaned up as after a disconnect.
    /// </summary>
    internal void Abandon()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
            return;
        Namespace.Adapter.DeleteAll(Id);
        Namespace.RemoveIfEmptyChild();
        DisposeServices();
    }

    internal void OnClose(string reason)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
            return;
        var wasConnected = Interlocked.Exchange(ref _connected, 0) == 1;
        if (wasConnected)
            Raise(Disconnecting, reason);
        if (wasConnected && PrivateId is not null && RecoveryStore.IsRecoverable(reason))
            PersistSession();
        Namespace.Adapter.DeleteAll(Id);
        Namespace.Remove(this);
        _client.Remove(this);
        _acks.AbandonAll(reason);
        if (wasConnected)
        {
            Namespace.Server.Metrics.SocketDisconnected(Namespace.Name, _countedConnection, reason, Namespace.Server.TimeProvider.GetElapsedTime(_connectedAt));
            NotifyRouter(reason);
            Raise(Disconnected, reason);
        }
        DisposeServices();
    }

    /// <summary>
    /// Hands this socket's session to the adapter (Node's <c>persistSession</c> in <c>_onclose</c>), before it leaves
    /// its rooms. Not awaited: a remote adapter's write must not hold up the disconnect; a failure is logged.
    /// </summary>
    private void PersistSession()
    {
        var session = new SocketSession(Id, PrivateId!, Namespace.Adapter.SocketRooms(Id), DataSnapshot(), Namespace.Server.TimeProvider.GetUtcNow());
        ValueTask persisted;
        try
        {
            persisted = Namespace.Adapter.PersistSessionAsync(session);
        }
        catch (Exception ex)
        {
            SocketIoLog.SessionPersistFailed(Namespace.Server.Logger, Id, Namespace.Name, ex);
            return;
        }
        if (!persisted.IsCompletedSuccessfully)
            _ = ObservePersistAsync(persisted);
    }

    private async Task ObservePersistAsync(ValueTask persisted)
    {
        try
        {
            await persisted.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            SocketIoLog.SessionPersistFailed(Namespace.Server.Logger, Id, Namespace.Name, ex);
        }
    }

    // A typed hub's router learns of the disconnect from the socket it routes for, as the first of the Disconnected
    // listeners it used to subscribe as: a delegate per connected socket (64 B) for what the router reference says.
    private void NotifyRouter(string reason)
    {
        if (_handlers.Router is not ISocketDisconnectListener listener)
            return;
        try
        {
            listener.OnDisconnected(this, reason);
        }
        catch (Exception ex)
        {
            SocketIoLog.HandlerFailed(Namespace.Server.Logger, Id, "disconnect", ex);
        }
    }

    private void Raise(Action<Socket, string>? handlers, string reason)
    {
        if (handlers is null)
            return;
        foreach (var handler in handlers.GetInvocationList())
        {
            try
            {
                ((Action<Socket, string>)handler)(this, reason);
            }
            catch (Exception ex)
            {
                SocketIoLog.HandlerFailed(Namespace.Server.Logger, Id, "disconnect", ex);
            }
        }
    }
}
