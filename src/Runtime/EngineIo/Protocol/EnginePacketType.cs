namespace TypedIo.EngineIo;

/// <summary>Engine.IO v4 packet types, encoded on the wire as one ASCII digit.</summary>
public enum EnginePacketType : byte
{
    /// <summary>Handshake, sent by the server.</summary>
    Open = 0,
    /// <summary>Close request.</summary>
    Close = 1,
    /// <summary>Heartbeat ping (server to client in v4; <c>2probe</c> during an upgrade).</summary>
    Ping = 2,
    /// <summary>Heartbeat pong.</summary>
    Pong = 3,
    /// <summary>Application data.</summary>
    Message = 4,
    /// <summary>Completes a transport upgrade.</summary>
    Upgrade = 5,
    /// <summary>No operation; ends a long-polling request during an upgrade.</summary>
    Noop = 6,
}
