using System.Diagnostics;
using System.Text.Json;
using TypedIo.Diagnostics;
using TypedIo.EngineIo;

namespace TypedIo.SocketIo;

/// <summary>
/// The Socket.IO side of one Engine.IO connection (Node's <c>Client</c>): decodes its packets, routes them to
/// the socket of their namespace, and closes a connection that joins no namespace in time.
/// </summary>
internal sealed class SocketIoClient
{
    private static readonly JsonElement EmptyAuth = JsonDocument.Parse("{}").RootElement.Clone();

    private readonly SocketIoServer _server;
    private readonly IPacketDecoder _decoder;
    private readonly JsonPacketDecoder? _jsonDecoder; // the server's own JSON parser's: events come without a SocketPacket
    private NamespaceSockets _sockets;
    // Namespaces whose CONNECT is being handled: nearly always one at a time, held as the name itself; a list only when a
    // client joins several namespaces at once (a HashSet per connect was ~0.2 KB of garbage on every connection).
    private object? _connecting; // null, the one name, or a List<string> of them
    private readonly object _gate = new();
    private ITimer? _connectTimeout;

    public SocketIoClient(SocketIoServer server, EngineIoSession session)
    {
        _server = server;
        Session = session;
        _decoder = server.Parser.CreateDecoder();
        if (_decoder is JsonPacketDecoder json && ReferenceEquals(json.Parser, server.Parser))
            _jsonDecoder = json;
        _connectTimeout = server.TimeProvider.CreateTimer(static state => ((SocketIoClient)state!).OnConnectTimeout(), this, server.Options.ConnectTimeout, Timeout.InfiniteTimeSpan);
    }

    public EngineIoSession Session { get; }

    public async ValueTask OnMessageAsync(EngineMessage message)
    {
        SocketPacket? packet;
        PacketHeader eventHeader = default;
        SocketArgs? eventArgs = null;
        string? error;
        var status = _jsonDecoder is { } json
            ? json.Decode(message, out packet, out eventHeader, out eventArgs, out error)
            : _decoder.Decode(message, out packet, out error);
        switch (status)
        {
            case PacketDecodeStatus.NeedMore:
                return;
            case PacketDecodeStatus.Error:
                SocketIoLog.ParseError(_server.Logger, Session.Id, error ?? "malformed packet");
                _server.Metrics.PacketRejected(TypedIoTelemetry.RejectionReasons.ParseError);
                Session.Abort(EngineIoCloseReasons.ParseError);
                return;
        }

        // A plain EVENT or ACK of the JSON decoder comes as its header and arguments; every other packet as a SocketPacket.
        var nsp = eventArgs is null ? packet!.Namespace : eventHeader.Namespace;
        var type = eventArgs is null ? packet!.Type : eventHeader.Type;
        Socket? socket;
        bool connecting;
        lock (_gate)
        {
            _sockets.TryGetValue(nsp, out socket);
            connecting = IsConnecting(nsp);
        }
        _server.Metrics.PacketReceived(socket?.Namespace.Name);

        if (socket is null && !connecting && type == SocketPacketType.Connect)
        {
            await ConnectAsync(nsp, packet!.Data ?? EmptyAuth).ConfigureAwait(false);
        }
        else if (socket is not null && eventArgs is not null)
        {
            if (type == SocketPacketType.Ack)
                socket.OnAck(eventArgs, eventHeader.Id);
            else
                await socket.OnEventAsync(eventArgs, eventHeader.Id).ConfigureAwait(false);
        }
        else if (socket is not null && type is not (SocketPacketType.Connect or SocketPacketType.ConnectError))
        {
            await socket.OnPacketAsync(packet!).ConfigureAwait(false);
        }
        else
        {
            // A packet for a namespace not joined, or a second CONNECT: Node closes the connection.
            SocketIoLog.InvalidState(_server.Logger, Session.Id, type.ToString(), nsp);
            _server.Metrics.PacketRejected(TypedIoTelemetry.RejectionReasons.InvalidState, socket?.Namespace.Name);
            Session.Close();
        }
    }

    private async ValueTask ConnectAsync(string name, JsonElement auth)
    {
        var nsp = await _server.ResolveNamespaceAsync(name, auth).ConfigureAwait(false);
        if (nsp is null)
        {
            SocketIoLog.InvalidNamespace(_server.Logger, Session.Id, name);
            _server.Metrics.PacketRejected(TypedIoTelemetry.RejectionReasons.InvalidNamespace);
            SendConnectError(null, _server.Parser.EncodeConnectError(name, "Invalid namespace"));
            return;
        }

        var restored = await RestoreAsync(nsp, auth).ConfigureAwait(false);
        var socket = new Socket(nsp, this, auth, restored?.Session);
        lock (_gate)
        {
            _connecting = _connecting switch
            {
                null => name,
                string one => new List<string> { one, name },
                List<string> more => Add(more, name),
                _ => throw new InvalidOperationException(),
            };
        }
        var previousActivity = Activity.Current;
        var activity = TypedIoActivities.StartConnect(nsp.Name, socket.Id);
        try
        {
            var accepted = false;
            try
            {
                // A recovered socket is authenticated again too: event authorization needs its user.
                await SocketAuthentication.AuthenticateAsync(socket).ConfigureAwait(false);
                if (restored is not null && _server.Options.ConnectionStateRecovery!.SkipMiddlewares)
                {
                    accepted = true;
                }
                else
                {
                    accepted = await RunConnectionMiddlewareAsync(nsp, socket).ConfigureAwait(false);
                }
            }
            catch (SocketConnectException refusal)
            {
                socket.Abandon();
                SocketIoLog.ConnectionRefused(_server.Logger, Session.Id, name, refusal.Message);
                _server.Metrics.PacketRejected(TypedIoTelemetry.RejectionReasons.ConnectRefused, nsp.Name);
                TypedIoActivities.Fail(activity, TypedIoTelemetry.RejectionReasons.ConnectRefused, refusal.Message);
                SendConnectError(nsp.Name, _server.Parser.EncodeConnectError(name, refusal.Message, refusal.ErrorData));
                return;
            }
            catch (Exception ex)
            {
                socket.Abandon();
                // Not meant for the client: say only that the server failed.
                SocketIoLog.MiddlewareFailed(_server.Logger, Session.Id, name, ex);
                _server.Metrics.PacketRejected(TypedIoTelemetry.RejectionReasons.ConnectRefused, nsp.Name);
                TypedIoActivities.Fail(activity, ex);
                SendConnectError(nsp.Name, _server.Parser.EncodeConnectError(name, "Server error"));
                return;
            }

            if (!accepted || !Session.IsOpen)
            {
                socket.Abandon();
                TypedIoActivities.Fail(activity, "abandoned", "The connection closed or the middleware did not call next.");
                if (!accepted && Session.IsOpen)
                {
                    // Node's client would wait for an answer that never comes: it is refused, and the log says why.
                    SocketIoLog.MiddlewareStopped(_server.Logger, Session.Id, name);
                    _server.Metrics.PacketRejected(TypedIoTelemetry.RejectionReasons.ConnectRefused, nsp.Name);
                    SendConnectError(nsp.Name, _server.Parser.EncodeConnectError(name, "Server error"));
                }
                return;
            }

            lock (_gate)
                _sockets.Set(name, socket);
            Interlocked.Exchange(ref _connectTimeout, null)?.Dispose();
            nsp.Add(socket);
            if (activity is not null)
                socket.ConnectActivity = activity.Context;
            if (restored is not null)
                await ResumeAsync(nsp, socket, restored).ConfigureAwait(false);
            else
                socket.OnConnect();
            SocketIoLog.SocketConnected(_server.Logger, socket.Id, name);
            nsp.RaiseConnection(socket);
        }
        finally
        {
            TypedIoActivities.Stop(activity, previousActivity);
            lock (_gate)
            {
                if (_connecting is string one && one == name)
                    _connecting = null;
                else if (_connecting is List<string> more && more.Remove(name) && more.Count == 0)
                    _connecting = null;
            }
        }
    }

    private bool IsConnecting(string nsp) => _connecting is string one ? one == nsp : _connecting is List<string> more && more.Contains(nsp);

    private static List<string> Add(List<string> names, string name)
    {
        names.Add(name);
        return names;
    }

    /// <summary>Whether every connection middleware of the namespace called next (true when it has none).</summary>
    /// <remarks>
    /// A method of its own: the flag the terminal step sets is a captured local, and a closure made in
    /// <see cref="ConnectAsync"/> would be allocated for every connect, middleware or not.
    /// </remarks>
    private static ValueTask<bool> RunConnectionMiddlewareAsync(Namespace nsp, Socket socket)
    {
        return nsp.HasConnectionMiddleware ? RunAsync(nsp.ConnectionMiddleware, socket) : ValueTask.FromResult(true);

        static async ValueTask<bool> RunAsync(IReadOnlyList<ConnectionMiddleware> middleware, Socket socket)
        {
            var accepted = false;
            await MiddlewarePipeline.RunAsync(middleware, socket, () =>
            {
                accepted = true;
                return ValueTask.CompletedTask;
            }).ConfigureAwait(false);
            return accepted;
        }
    }

    /// <summary>
    /// The session a reconnecting client asks for (<c>pid</c> and <c>offset</c> in its CONNECT payload), when the
    /// adapter can restore it (Node's <c>adapter.restoreSession</c>, before the middleware).
    /// </summary>
    private async Task<RestoredSession?> RestoreAsync(Namespace nsp, JsonElement auth)
    {
        if (!nsp.IsRecoveryEnabled
            || auth.ValueKind != JsonValueKind.Object
            || !auth.TryGetProperty("pid", out var pid) || pid.ValueKind != JsonValueKind.String
            || !auth.TryGetProperty("offset", out var offset) || offset.ValueKind != JsonValueKind.String)
            return null;
        try
        {
            return await nsp.Adapter.RestoreSessionAsync(pid.GetString()!, offset.GetString()!).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            SocketIoLog.SessionRestoreFailed(_server.Logger, Session.Id, nsp.Name, ex);
            return null;
        }
    }

    /// <summary>Has the adapter connect a recovered socket; when it fails to, the socket connects as a fresh one.</summary>
    private async Task ResumeAsync(Namespace nsp, Socket socket, RestoredSession restored)
    {
        var resumed = false;
        try
        {
            await nsp.Adapter.ResumeSessionAsync(restored, missed =>
            {
                if (resumed)
                    return;
                resumed = true;
                Resume(socket, restored.Session, missed);
            }).ConfigureAwait(false);
        }
        catch (Exception ex) when (!resumed)
        {
            SocketIoLog.SessionRestoreFailed(_server.Logger, Session.Id, nsp.Name, ex);
        }
        if (!resumed)
            Resume(socket, restored.Session, null);
    }

    /// <summary>
    /// Connects a recovered socket, called by the adapter where no packet can reach the session's rooms meanwhile: its
    /// CONNECT reply, its rooms back, then every packet it missed; with no packets (null) it continues as a fresh socket.
    /// </summary>
    private static void Resume(Socket socket, SocketSession session, IReadOnlyList<EncodedPacket>? missed)
    {
        if (missed is null)
        {
            socket.ForgetRecovery();
            socket.OnConnect();
            return;
        }
        socket.OnConnect();
        socket.Join(session.Rooms);
        foreach (var packet in missed)
            socket.Write(packet, isVolatile: false);
    }

    private void SendConnectError(string? nsp, EncodedPacket packet)
    {
        if (Session.Send(packet.Frames))
            _server.Metrics.PacketsSent(nsp, 1);
    }

    private void OnConnectTimeout()
    {
        bool joined;
        lock (_gate)
            joined = _sockets.Count > 0;
        if (!joined)
        {
            SocketIoLog.ConnectTimeout(_server.Logger, Session.Id);
            Session.Close();
        }
    }

    public void Remove(Socket socket)
    {
        lock (_gate)
        {
            _sockets.Remove(socket.Namespace.Name, socket);
        }
    }

    /// <summary>Disconnects every socket of this connection, then closes it.</summary>
    public void DisconnectAll()
    {
        foreach (var socket in Snapshot())
            socket.Disconnect();
        Session.Close();
    }

    /// <summary>The connection closed: every socket leaves with the same reason.</summary>
    public void OnClosed(string reason)
    {
        Interlocked.Exchange(ref _connectTimeout, null)?.Dispose();
        foreach (var socket in Snapshot())
            socket.OnClose(reason);
    }

    public Socket[] Snapshot()
    {
        lock (_gate)
            return _sockets.ToArray();
    }
}
