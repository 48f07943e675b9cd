using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TypedIo.EngineIo;

namespace TypedIo.SocketIo;

/// <summary>
/// A client's presence in one namespace (Node's server-side <c>Socket</c>). One Engine.IO connection can carry
/// sockets of several namespaces. Thread-safe: handlers of one socket may run concurrently.
/// </summary>
public sealed partial class Socket
{
    private readonly SocketIoClient _client;
    private readonly SocketEventHandlers _handlers = new();
    private readonly PendingAcks _acks;
    private readonly int _maxEventsInFlight;
    private ConcurrentDictionary<string, object?>? _data;
    private object? _scope; // the socket's IServiceScope, made on the first use of Services; ScopeClosed once it closed
    private ClaimsPrincipal? _user; // set by an ISocketAuthenticator; else the handshake's user
    private ImmutableArray<EventMiddleware> _middleware = [];
    private int _connected;
    private int _closed;

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

    /// <summary>What a client's ack gets when the server failed to produce its answer (no internals leaked).</summary>
    internal static readonly SocketRejection ServerErrorRejection = new(SocketRejectionCodes.ServerError, "An unexpected error occurred.");

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
}
