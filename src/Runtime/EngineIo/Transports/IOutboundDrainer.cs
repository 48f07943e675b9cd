namespace TypedIo.EngineIo;

/// <summary>A transport that writes a session's queued frames itself, as soon as they are queued.</summary>
internal interface IOutboundDrainer
{
    /// <summary>Frames were queued, or the queue completed (the session is closing or closed).</summary>
    void OnQueued();
}
