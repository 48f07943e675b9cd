using TypedIo.EngineIo;

namespace TypedIo.SocketIo;

/// <summary>Why a socket left its namespace; the same names as Node's socket.io.</summary>
public static class SocketDisconnectReasons
{
    /// <summary>The server called <see cref="Socket.Disconnect"/>.</summary>
    public const string ServerNamespaceDisconnect = "server namespace disconnect";

    /// <summary>The client left the namespace.</summary>
    public const string ClientNamespaceDisconnect = "client namespace disconnect";

    /// <summary>The server is stopping.</summary>
    public const string ServerShuttingDown = "server shutting down";

    /// <summary>The connection was closed: see <see cref="EngineIoCloseReasons"/> for the other reasons
    /// (<c>transport close</c>, <c>transport error</c>, <c>ping timeout</c>, <c>parse error</c>, <c>forced close</c>).</summary>
    public const string TransportClose = EngineIoCloseReasons.TransportClose;
}
