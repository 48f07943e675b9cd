using System.Collections.Concurrent;
using System.Security.Claims;
using TypedIo.SocketIo;

namespace TypedIo;

/// <summary>What a hub knows about the socket it serves.</summary>
public sealed class HubCallerContext
{
    private CancellationTokenSource? _aborted;

    internal HubCallerContext(Socket socket)
    {
        Socket = socket;
    }

    /// <summary>The socket (the untyped API: rooms, untyped handlers and emits, disconnect).</summary>
    public Socket Socket { get; }

    /// <summary>The socket id (also the name of its own room).</summary>
    public string SocketId => Socket.Id;

    /// <summary>The user, from ASP.NET Core authentication of the handshake request.</summary>
    public ClaimsPrincipal User => Socket.User;

    /// <summary>The handshake: headers, query, auth payload, address.</summary>
    public SocketHandshake Handshake => Socket.Handshake;

    /// <summary>Free-form per-socket state, shared with the untyped API.</summary>
    public ConcurrentDictionary<string, object?> Data => Socket.Data;

    /// <summary>Cancelled when the socket disconnects.</summary>
    public CancellationToken SocketAborted
    {
        get
        {
            if (_aborted is null)
            {
                var created = new CancellationTokenSource();
                if (Interlocked.CompareExchange(ref _aborted, created, null) is null)
                {
                    if (!Socket.Connected)
                        created.Cancel();
                }
                else
                {
                    created.Dispose();
                }
            }
            return _aborted.Token;
        }
    }

    internal void OnDisconnected()
    {
        var aborted = Volatile.Read(ref _aborted);
        if (aborted is null)
        {
            // Nobody asked for the token yet: a cancelled one is what later callers must see.
            var cancelled = new CancellationTokenSource();
            cancelled.Cancel();
            aborted = Interlocked.CompareExchange(ref _aborted, cancelled, null) ?? cancelled;
            if (aborted != cancelled)
                cancelled.Dispose();
        }
        try
        {
            aborted.Cancel();
        }
        catch (AggregateException)
        {
            // Callbacks registered by handlers threw; the socket is gone either way.
        }
    }
}
