using Microsoft.AspNetCore.Http;

namespace TypedIo.EngineIo;

/// <summary>
/// Options of an Engine.IO v4 server. Defaults are those of Node's <c>engine.io</c> 6.x.
/// </summary>
/// <example>
/// <code>
/// app.MapEngineIo("/engine.io", handler, o => { o.PingInterval = TimeSpan.FromSeconds(10); });
/// </code>
/// </example>
public sealed class EngineIoOptions
{
    /// <summary>Interval between two server pings. Default 25 s.</summary>
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromMilliseconds(25_000);

    /// <summary>How long the server waits for the pong that answers a ping. Default 20 s.</summary>
    public TimeSpan PingTimeout { get; set; } = TimeSpan.FromMilliseconds(20_000);

    /// <summary>How long a WebSocket upgrade may take, from the probe to the upgrade packet. Default 10 s.</summary>
    public TimeSpan UpgradeTimeout { get; set; } = TimeSpan.FromMilliseconds(10_000);

    /// <summary>
    /// How long a graceful server-side close waits for a long-polling client to collect its last packets. Default 30 s.
    /// </summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromMilliseconds(30_000);

    /// <summary>
    /// Largest accepted message, in bytes: a whole polling POST body, or one WebSocket message. Default 1,000,000.
    /// An oversize POST gets HTTP 413; an oversize WebSocket message closes the connection.
    /// </summary>
    public int MaxHttpBufferSize { get; set; } = 1_000_000;

    /// <summary>
    /// Packets a session may have queued for sending before it is closed as too slow. Bounds the memory a client
    /// that does not read can make the server hold. Default 10,000.
    /// </summary>
    public int MaxQueuedPackets { get; set; } = 10_000;

    /// <summary>
    /// Long-polling responses of at least this many bytes are compressed (gzip, else deflate) when the client
    /// accepts it and a packet in them allows compression. Default 1024, as Node's <c>httpCompression</c>; null
    /// turns compression off.
    /// </summary>
    public int? HttpCompressionThreshold { get; set; } = 1024;

    /// <summary>Allowed transports, in the order of preference. Default polling and websocket.</summary>
    public IList<string> Transports { get; set; } = [EngineIoTransports.Polling, EngineIoTransports.WebSocket];

    /// <summary>Whether polling sessions may upgrade to WebSocket. Default true.</summary>
    public bool AllowUpgrades { get; set; } = true;

    /// <summary>
    /// Called for every handshake request before a session is created. Returning false refuses the request with
    /// HTTP 403 <c>{"code":4,"message":"Forbidden"}</c>.
    /// </summary>
    public Func<HttpContext, ValueTask<bool>>? AllowRequest { get; set; }

    /// <summary>When set, the handshake response sets a cookie holding the session id.</summary>
    public EngineIoCookieOptions? Cookie { get; set; }

    /// <summary>Called before the headers of the handshake response (polling or WebSocket) are written.</summary>
    public Action<HttpContext>? OnInitialHeaders { get; set; }

    /// <summary>Called before the headers of every Engine.IO response (handshake included) are written.</summary>
    public Action<HttpContext>? OnHeaders { get; set; }

    /// <summary>
    /// Whether the server's socket I/O completes inline on the socket engine's threads (Kestrel's
    /// <c>UnsafePreferInlineScheduling</c> with inline socket completions; see
    /// <c>AddTypedIoInlineScheduling</c>). When true, every handler (events, connection middleware and handlers,
    /// disconnect handlers, an Engine.IO handler) starts on the thread that read its packet, and leaves it at its first
    /// <c>await</c> that does not complete at once: its continuation runs on the thread pool, not on the I/O thread that
    /// completed what it awaited. A handler that completes synchronously never leaves the I/O thread. Default false
    /// (set by <c>AddTypedIoInlineScheduling</c>, and by <c>AddTypedIo</c> when it finds Kestrel's inline scheduling on).
    /// </summary>
    public bool InlineScheduling { get; set; }

    /// <summary>Throws when an option is out of range.</summary>
    public void Validate()
    {
        if (PingInterval <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(PingInterval));
        if (PingTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(PingTimeout));
        if (UpgradeTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(UpgradeTimeout));
        if (CloseTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(CloseTimeout));
        if (MaxHttpBufferSize <= 0) throw new ArgumentOutOfRangeException(nameof(MaxHttpBufferSize));
        if (MaxQueuedPackets <= 0) throw new ArgumentOutOfRangeException(nameof(MaxQueuedPackets));
        if (HttpCompressionThreshold < 0) throw new ArgumentOutOfRangeException(nameof(HttpCompressionThreshold));
        if (Transports.Count == 0) throw new ArgumentException("At least one transport is required.", nameof(Transports));
        foreach (var transport in Transports)
        {
            if (transport is not (EngineIoTransports.Polling or EngineIoTransports.WebSocket))
                throw new ArgumentException($"Unknown transport '{transport}'.", nameof(Transports));
        }
    }
}

/// <summary>The cookie that carries the session id, as Node's <c>cookie</c> option.</summary>
public sealed class EngineIoCookieOptions
{
    /// <summary>Cookie name. Default <c>io</c>.</summary>
    public string Name { get; set; } = "io";

    /// <summary>Cookie path. Default <c>/</c>.</summary>
    public string Path { get; set; } = "/";

    /// <summary>Default true.</summary>
    public bool HttpOnly { get; set; } = true;

    /// <summary>Default <see cref="SameSiteMode.Lax"/>.</summary>
    public SameSiteMode SameSite { get; set; } = SameSiteMode.Lax;

    /// <summary>Whether the cookie is only sent over HTTPS. Default false.</summary>
    public bool Secure { get; set; }
}

/// <summary>Transport names used on the wire.</summary>
public static class EngineIoTransports
{
    /// <summary>HTTP long-polling.</summary>
    public const string Polling = "polling";

    /// <summary>WebSocket.</summary>
    public const string WebSocket = "websocket";
}
