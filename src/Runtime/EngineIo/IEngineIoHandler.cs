namespace TypedIo.EngineIo;

/// <summary>
/// What an Engine.IO server calls for its sessions. Calls for one session never overlap and come in order:
/// connected, then messages in the order the client sent them, then closed once.
/// </summary>
public interface IEngineIoHandler
{
    /// <summary>A session was opened. Messages wait until the returned task completes.</summary>
    ValueTask OnConnectedAsync(EngineIoSession session);

    /// <summary>
    /// A message arrived. <paramref name="message"/>'s data is valid until the returned task completes; the next
    /// message of the session waits for it, so long work belongs elsewhere.
    /// </summary>
    ValueTask OnMessageAsync(EngineIoSession session, EngineMessage message);

    /// <summary>The session closed, for <paramref name="reason"/> (one of <see cref="EngineIoCloseReasons"/>).</summary>
    void OnClosed(EngineIoSession session, string reason);
}
