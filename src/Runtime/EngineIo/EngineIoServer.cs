using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TypedIo.Diagnostics;

namespace TypedIo.EngineIo;

/// <summary>
/// An Engine.IO v4 server: verifies requests, opens sessions, and hands each request to its transport. It knows
/// nothing of Socket.IO: the layer above is an <see cref="IEngineIoHandler"/>. Map it with
/// <c>MapEngineIo</c>.
/// </summary>
public sealed class EngineIoServer : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, EngineIoSession> _sessions = new(StringComparer.Ordinal);
    private readonly HeartbeatScheduler _heartbeat;
    private readonly WebSocketOriginPolicy _originPolicy;
    private int _shuttingDown;

    /// <summary>
    /// Creates a server. <paramref name="options"/> are validated and must not change afterwards. Metrics go to the
    /// <c>TypedIo</c> meter of <paramref name="meterFactory"/> (a shared meter without one).
    /// </summary>
    public EngineIoServer(EngineIoOptions options, IEngineIoHandler handler, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null, IMeterFactory? meterFactory = null)
        : this(options, handler, loggerFactory, timeProvider, TypedIoMetrics.Create(meterFactory))
    {
    }

    internal EngineIoServer(EngineIoOptions options, IEngineIoHandler handler, ILoggerFactory? loggerFactory, TimeProvider? timeProvider, TypedIoMetrics metrics)
    {
        Metrics = metrics;
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(handler);
        options.Validate();
        Options = options;
        Handler = handler;
        Logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("TypedIo.EngineIo");
        TimeProvider = timeProvider ?? TimeProvider.System;
        ReadTurnBudget = ReadTurn.BudgetFor(TimeProvider.TimestampFrequency);
        _originPolicy = new WebSocketOriginPolicy();
        HeartbeatTick = HeartbeatScheduler.TickFor(options);
        HeartbeatTickMilliseconds = (long)Math.Ceiling(HeartbeatTick.TotalMilliseconds);
        _heartbeat = new HeartbeatScheduler(this);
    }

    /// <summary>The options in force.</summary>
    public EngineIoOptions Options { get; }

    /// <summary>Number of open sessions.</summary>
    public int ClientsCount => _sessions.Count;

    internal IEngineIoHandler Handler { get; }
    internal TypedIoMetrics Metrics { get; }
    internal ILogger Logger { get; }
    internal TimeProvider TimeProvider { get; }

    /// <summary>The heartbeat scheduler's tick: how late after its due time a ping can go out on an idle machine.</summary>
    internal TimeSpan HeartbeatTick { get; }

    /// <summary><see cref="HeartbeatTick"/> in whole milliseconds, rounded up: the clock of the deadlines.</summary>
    internal long HeartbeatTickMilliseconds { get; }

    /// <summary>Monotonic milliseconds of <see cref="TimeProvider"/>: the clock of heartbeat and close deadlines.</summary>
    internal long NowMilliseconds => (long)(TimeProvider.GetTimestamp() * 1000.0 / TimeProvider.TimestampFrequency);
    /// <summary>
    /// The open sessions, enumerated in place: <c>Values</c> would copy every session into a new list, under all of the
    /// dictionary's locks, on each heartbeat tick.
    /// </summary>
    internal IEnumerable<KeyValuePair<string, EngineIoSession>> Sessions => _sessions;

    /// <summary>Sessions their client closed while no poll waited, whose late poll gets a noop (<see cref="EngineIo.ClientClosedPolls"/>).</summary>
    internal ClientClosedPolls ClientClosedPolls { get; } = new();

    private long _readTurnsEnded;

    /// <summary>A WebSocket reader's turn in inline scheduling, in ticks of <see cref="TimeProvider"/>'s timestamps (<c>ReadTurn</c>).</summary>
    internal long ReadTurnBudget { get; }

    /// <summary>How many times a WebSocket reader ended its turn and moved to the thread pool (inline scheduling, <c>ReadTurn</c>).</summary>
    internal long ReadTurnsEnded => Interlocked.Read(ref _readTurnsEnded);

    internal void CountReadTurnEnded() => Interlocked.Increment(ref _readTurnsEnded);

    /// <summary>Finds an open session by id.</summary>
    public bool TryGetSession(string sid, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out EngineIoSession? session) =>
        _sessions.TryGetValue(sid, out session);

    /// <summary>Handles one Engine.IO HTTP request (long-polling GET/POST or WebSocket).</summary>
    public Task HandleRequestAsync(HttpContext context)
    {
        // A WebSocket's run, when the checks finished at once (the common case), is handed to the server as it is: it
        // answers its own failures, and this method's frame is not kept for as long as the connection lasts.
        var dispatched = DispatchAsync(context);
        if (dispatched.IsCompletedSuccessfully && dispatched.Result is { } transport && context.WebSockets.IsWebSocketRequest)
            return transport;
        return HandleRequestSlowAsync(context, dispatched);
    }

    private async Task HandleRequestSlowAsync(HttpContext context, Task<Task?> dispatched)
    {
        try
        {
            if (await dispatched.ConfigureAwait(false) is { } transport)
                await transport.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await OnRequestFailedAsync(context, ex).ConfigureAwait(false);
        }
    }

    /// <summary>What a request that failed gets: nothing if its client went away, else a log line and, if nothing was sent yet, a 400.</summary>
    internal async Task OnRequestFailedAsync(HttpContext context, Exception ex)
    {
        if (ex is OperationCanceledException or IOException && context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; whatever depended on the request has been cleaned up by its transport.
            return;
        }
        if (ex is IOException)
        {
            // The client broke off the request (a body cut short, a connection reset): its fault, not the server's.
            EngineIoLog.RequestAbortedByClient(Logger, context.Request.Method, context.Request.QueryString.Value ?? "", ex.Message);
            if (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
                await EngineIoErrorResponse.WriteAsync(context, EngineIoErrorCode.BadRequest).ConfigureAwait(false);
            return;
        }
        EngineIoLog.RequestFailed(Logger, ex);
        if (!context.Response.HasStarted)
            await EngineIoErrorResponse.WriteAsync(context, EngineIoErrorCode.BadRequest).ConfigureAwait(false);
    }

    /// <summary>
    /// Checks the request and answers it; for a new session, returns its transport's run instead of awaiting it, so
    /// what the checks held is not kept for as long as a WebSocket lasts.
    /// </summary>
    private async Task<Task?> DispatchAsync(HttpContext context)
    {
        var request = context.Request;
        var query = EngineIoQuery.Parse(request.QueryString.Value);
        var transport = query.Transport;
        var sid = query.Sid;
        var isWebSocket = context.WebSockets.IsWebSocketRequest;

        if (!Options.Transports.Contains(transport))
        {
            await RefuseAsync(context, EngineIoErrorCode.UnknownTransport).ConfigureAwait(false);
            return null;
        }

        if (sid.Length > 0)
        {
            return await HandleExistingSessionAsync(context, sid, transport, isWebSocket, query.IsVersion4).ConfigureAwait(false);
        }

        if (!HttpMethods.IsGet(request.Method))
        {
            await RefuseAsync(context, EngineIoErrorCode.BadHandshakeMethod).ConfigureAwait(false);
            return null;
        }
        if (transport == EngineIoTransports.WebSocket != isWebSocket)
        {
            // A websocket handshake without an upgrade, or an upgrade request that names polling.
            await RefuseAsync(context, EngineIoErrorCode.BadRequest).ConfigureAwait(false);
            return null;
        }
        if (isWebSocket && !await _originPolicy.IsAllowedAsync(context).ConfigureAwait(false))
        {
            EngineIoLog.CrossOriginWebSocketRefused(Logger, request.Headers.Origin.ToString());
            await RefuseAsync(context, EngineIoErrorCode.Forbidden).ConfigureAwait(false);
            return null;
        }
        if (Options.AllowRequest is { } allowRequest && !await allowRequest(context).ConfigureAwait(false))
        {
            await RefuseAsync(context, EngineIoErrorCode.Forbidden).ConfigureAwait(false);
            return null;
        }
        if (!query.IsVersion4)
        {
            await RefuseAsync(context, EngineIoErrorCode.UnsupportedProtocolVersion).ConfigureAwait(false);
            return null;
        }
        if (Volatile.Read(ref _shuttingDown) != 0)
        {
            await RefuseAsync(context, EngineIoErrorCode.BadRequest).ConfigureAwait(false);
            return null;
        }

        var session = new EngineIoSession(SessionId.Create(), this, isWebSocket, new EngineIoHandshake(context, TimeProvider.GetUtcNow(), requestOutlivesHandshake: isWebSocket));
        session.Send(OpenPacket.Create(session.Id, isWebSocket ? [] : UpgradesFromPolling(), Options));
        _sessions[session.Id] = session;
        EngineIoLog.SessionOpened(Logger, session.Id, transport);

        try
        {
            ApplyHeaders(context, initial: true, session.Id);
        }
        catch
        {
            session.Handshake.Detach();
            throw;
        }
        return isWebSocket ? WebSocketTransport.RunHandshakeAsync(session, context) : PollingTransport.HandleHandshakeAsync(session, context);
    }

    /// <summary>Answers a request of an open session; for an upgrade to WebSocket, returns its run instead of awaiting it.</summary>
    private async Task<Task?> HandleExistingSessionAsync(HttpContext context, string sid, string transport, bool isWebSocket, bool isVersion4)
    {
        if (!_sessions.TryGetValue(sid, out var session))
        {
            await RefuseUnknownSidAsync(context, sid, transport).ConfigureAwait(false);
            return null;
        }

        if (!isVersion4)
        {
            // The session speaks v4; a request in another version is not its client (engine.io: protocol mismatch).
            await RefuseAsync(context, EngineIoErrorCode.BadRequest).ConfigureAwait(false);
            return null;
        }

        session.CheckHeartbeat(NowMilliseconds);
        if (session.State == EngineIoSession.SessionState.Closed)
        {
            await RefuseUnknownSidAsync(context, sid, transport).ConfigureAwait(false);
            return null;
        }

        if (isWebSocket)
        {
            if (transport != EngineIoTransports.WebSocket || !Options.AllowUpgrades)
            {
                await RefuseAsync(context, EngineIoErrorCode.BadRequest).ConfigureAwait(false);
                return null;
            }
            if (!await _originPolicy.IsAllowedAsync(context).ConfigureAwait(false))
            {
                EngineIoLog.CrossOriginWebSocketRefused(Logger, context.Request.Headers.Origin.ToString());
                await RefuseAsync(context, EngineIoErrorCode.Forbidden).ConfigureAwait(false);
                return null;
            }
            if (!session.TryBeginUpgrade())
            {
                // Already upgraded, already upgrading, or closing: like Node, accept this second WebSocket and close it.
                EngineIoLog.DuplicateWebSocketRefused(Logger, session.Id);
                await WebSocketTransport.AcceptAndCloseAsync(context).ConfigureAwait(false);
                return null;
            }
            ApplyHeaders(context, initial: false, session.Id);
            return WebSocketTransport.RunUpgradeAsync(session, context);
        }

        if (transport != session.Transport)
        {
            await RefuseAsync(context, EngineIoErrorCode.BadRequest).ConfigureAwait(false);
            return null;
        }

        var method = context.Request.Method;
        if (HttpMethods.IsGet(method))
        {
            ApplyHeaders(context, initial: false, session.Id);
            await PollingTransport.HandlePollAsync(session, context).ConfigureAwait(false);
        }
        else if (HttpMethods.IsPost(method))
        {
            ApplyHeaders(context, initial: false, session.Id);
            await PollingTransport.HandleDataAsync(session, context).ConfigureAwait(false);
        }
        else
        {
            await RefuseAsync(context, EngineIoErrorCode.BadRequest).ConfigureAwait(false);
        }
        return null;
    }

    /// <summary>
    /// A request for a session that is gone gets 400 "Session ID unknown", except the poll a client sent just before its
    /// close POST when the POST was handled first: it gets the noop it would have got waiting (<see cref="EngineIo.ClientClosedPolls"/>).
    /// </summary>
    private Task RefuseUnknownSidAsync(HttpContext context, string sid, string transport)
    {
        if (transport == EngineIoTransports.Polling && HttpMethods.IsGet(context.Request.Method)
            && ClientClosedPolls.TryTake(sid, NowMilliseconds))
        {
            EngineIoLog.LatePollAnswered(Logger, sid);
            ApplyHeaders(context, initial: false, sid);
            return PollingTransport.AnswerLatePollAsync(context, Options);
        }
        return RefuseAsync(context, EngineIoErrorCode.UnknownSid);
    }

    private Task RefuseAsync(HttpContext context, EngineIoErrorCode code)
    {
        EngineIoLog.RequestRefused(Logger, (int)code, EngineIoErrorResponse.Message(code), context.Request.Method, context.Request.QueryString.Value ?? "");
        return EngineIoErrorResponse.WriteAsync(context, code);
    }

    private string[] UpgradesFromPolling() =>
        Options.AllowUpgrades && Options.Transports.Contains(EngineIoTransports.WebSocket) ? [EngineIoTransports.WebSocket] : [];

    private void ApplyHeaders(HttpContext context, bool initial, string sid)
    {
        if (initial)
        {
            if (Options.Cookie is { } cookie)
            {
                context.Response.Cookies.Append(cookie.Name, sid, new CookieOptions
                {
                    Path = cookie.Path,
                    HttpOnly = cookie.HttpOnly,
                    SameSite = cookie.SameSite,
                    Secure = cookie.Secure,
                });
            }
            Options.OnInitialHeaders?.Invoke(context);
        }
        Options.OnHeaders?.Invoke(context);
    }

    internal void Remove(EngineIoSession session) => _sessions.TryRemove(new KeyValuePair<string, EngineIoSession>(session.Id, session));

    internal void NotifyClosed(EngineIoSession session, string reason)
    {
        try
        {
            using (HandlerScope.Enter(this))
                Handler.OnClosed(session, reason);
        }
        catch (Exception ex)
        {
            EngineIoLog.HandlerFailed(Logger, session.Id, ex);
        }
    }

    /// <summary>Closes every session (reason <see cref="EngineIoCloseReasons.ForcedClose"/>) and refuses new ones.</summary>
    public void CloseAll()
    {
        Volatile.Write(ref _shuttingDown, 1);
        foreach (var session in _sessions.Values)
            session.Abort(EngineIoCloseReasons.ForcedClose);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        CloseAll();
        await _heartbeat.DisposeAsync().ConfigureAwait(false);
    }
}
