namespace TypedIo.Diagnostics;

/// <summary>
/// The names under which TypedIo reports metrics and traces, for exporters to subscribe to (see docs/observability.md).
/// </summary>
/// <example>
/// <code>
/// builder.Services.AddOpenTelemetry()
///     .WithMetrics(m => m.AddMeter(TypedIoTelemetry.MeterName))
///     .WithTracing(t => t.AddSource(TypedIoTelemetry.ActivitySourceName));
/// </code>
/// </example>
public static class TypedIoTelemetry
{
    /// <summary>The <see cref="System.Diagnostics.Metrics.Meter"/> name: <c>TypedIo</c>.</summary>
    public const string MeterName = "TypedIo";

    /// <summary>The <see cref="System.Diagnostics.ActivitySource"/> name: <c>TypedIo</c>.</summary>
    public const string ActivitySourceName = "TypedIo";

    /// <summary>Tag: the namespace, such as <c>/</c> or <c>/chat</c>.</summary>
    public const string NamespaceTag = "typedio.namespace";

    /// <summary>Tag: the socket id.</summary>
    public const string SocketIdTag = "typedio.socket.id";

    /// <summary>Tag: the event name.</summary>
    public const string EventNameTag = "typedio.event.name";

    /// <summary>Tag: the Engine.IO transport, <c>polling</c> or <c>websocket</c>.</summary>
    public const string TransportTag = "typedio.transport";

    /// <summary>Tag: why a socket disconnected (Node's reasons, such as <c>transport close</c>).</summary>
    public const string DisconnectReasonTag = "typedio.disconnect.reason";

    /// <summary>Tag: why a packet was rejected (see <see cref="RejectionReasons"/>).</summary>
    public const string RejectionReasonTag = "typedio.rejection.reason";

    /// <summary>Tag (OpenTelemetry's <c>error.type</c>): what made an activity fail.</summary>
    public const string ErrorTypeTag = "error.type";

    /// <summary>The values of <see cref="RejectionReasonTag"/>.</summary>
    public static class RejectionReasons
    {
        /// <summary>A malformed Engine.IO or Socket.IO packet; the connection is closed.</summary>
        public const string ParseError = "parse_error";

        /// <summary>An Engine.IO message over the size limit; the connection is closed.</summary>
        public const string TooLarge = "too_large";

        /// <summary>A packet for a namespace not joined, or a second CONNECT; the connection is closed.</summary>
        public const string InvalidState = "invalid_state";

        /// <summary>A CONNECT to a namespace that does not exist.</summary>
        public const string InvalidNamespace = "invalid_namespace";

        /// <summary>A CONNECT refused by connection middleware (or failed in it).</summary>
        public const string ConnectRefused = "connect_refused";

        /// <summary>
        /// An event that found <c>MaxConcurrentEventsPerSocket</c> handlers running: it waits (the connection is not read
        /// meanwhile) instead of starting at once. It is delayed, not dropped.
        /// </summary>
        public const string Throttled = "throttled";

        /// <summary>An ACK whose id the socket is not waiting for (unknown, already answered or timed out); ignored.</summary>
        public const string UnknownAck = "unknown_ack";
    }
}
