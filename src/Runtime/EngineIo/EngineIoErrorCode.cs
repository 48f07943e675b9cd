namespace TypedIo.EngineIo;

/// <summary>The error codes of an Engine.IO HTTP error response, as Node's engine.io.</summary>
public enum EngineIoErrorCode
{
    /// <summary>"Transport unknown".</summary>
    UnknownTransport = 0,
    /// <summary>"Session ID unknown".</summary>
    UnknownSid = 1,
    /// <summary>"Bad handshake method".</summary>
    BadHandshakeMethod = 2,
    /// <summary>"Bad request".</summary>
    BadRequest = 3,
    /// <summary>"Forbidden" (HTTP 403).</summary>
    Forbidden = 4,
    /// <summary>"Unsupported protocol version".</summary>
    UnsupportedProtocolVersion = 5,
}
