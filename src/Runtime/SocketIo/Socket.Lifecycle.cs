using System.Text.Json.Nodes;

namespace TypedIo.SocketIo;

// Connecting, disconnecting and closing: the session kept for recovery, the router and the listeners told of it.
public sealed partial class Socket
{
    private bool _countedConnection;
    private long _connectedAt;

    /// <summary>Raised while the socket is disconnecting, before it leaves its rooms, with the reason.</summary>
    public event Action<Socket, string>? Disconnecting;

    /// <summary>Raised once the socket has disconnected, with the reason.</summary>
    public event Action<Socket, string>? Disconnected;

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
