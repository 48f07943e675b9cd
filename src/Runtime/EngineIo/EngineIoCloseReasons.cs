namespace TypedIo.EngineIo;

/// <summary>Why a session closed; the same names as Node's engine.io.</summary>
public static class EngineIoCloseReasons
{
    /// <summary>The client closed the transport or sent a close packet.</summary>
    public const string TransportClose = "transport close";

    /// <summary>The transport failed: an aborted request, an overlapping poll, an oversize message, a slow reader.</summary>
    public const string TransportError = "transport error";

    /// <summary>The client did not answer a ping in time.</summary>
    public const string PingTimeout = "ping timeout";

    /// <summary>The server closed the session.</summary>
    public const string ForcedClose = "forced close";

    /// <summary>The client sent a packet that could not be decoded.</summary>
    public const string ParseError = "parse error";
}
