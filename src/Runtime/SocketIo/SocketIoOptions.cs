using System.Text.Json;
using TypedIo.EngineIo;

namespace TypedIo.SocketIo;

/// <summary>Options of a Socket.IO server. Defaults are those of Node's socket.io 4.8.</summary>
public sealed class SocketIoOptions
{
    /// <summary>The path the server is mapped at. Default <c>/socket.io</c>.</summary>
    public string Path { get; set; } = "/socket.io";

    /// <summary>How long a connection may stay without joining any namespace before it is closed. Default 45 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromMilliseconds(45_000);

    /// <summary>The Engine.IO options of the underlying transport.</summary>
    public EngineIoOptions EngineIo { get; set; } = new();

    /// <summary>
    /// How event arguments are serialized. Default (null): camelCase property names, as JavaScript clients expect.
    /// Native AOT apps set options whose <see cref="JsonSerializerOptions.TypeInfoResolver"/> is their
    /// source-generated context.
    /// </summary>
    public JsonSerializerOptions? JsonSerializerOptions { get; set; }

    /// <summary>Largest number of binary attachments one packet may declare. Default 10.</summary>
    public int MaxAttachments { get; set; } = 10;

    /// <summary>
    /// Deepest JSON nesting accepted in a packet, the arguments array counting as one level. Default 64 (as
    /// System.Text.Json's own default); at most 1000.
    /// </summary>
    public int MaxJsonDepth { get; set; } = 64;

    /// <summary>The wire format. Default: the JSON parser built from the options above.</summary>
    public IPacketParser? Parser { get; set; }

    /// <summary>
    /// Events of one socket whose handlers may run at the same time. When a client has this many in flight, its
    /// connection is not read from until one finishes, so a flood of events cannot make the server hold an unbounded
    /// number of handlers (Node has no such bound). Default 256.
    /// </summary>
    public int MaxConcurrentEventsPerSocket { get; set; } = 256;

    /// <summary>
    /// How long typed emitters wait for a client's ack unless a call sets its own timeout (then
    /// <c>SocketAckTimeoutException</c>). Default 30 s. The untyped <c>EmitWithAckAsync</c> waits only as long as it
    /// is told.
    /// </summary>
    public TimeSpan AckTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Connection state recovery, off when null (the default, as in Node). See <see cref="ConnectionStateRecoveryOptions"/>.
    /// </summary>
    /// <example><c>o.ConnectionStateRecovery = new() { MaxDisconnectionDuration = TimeSpan.FromMinutes(1) };</c></example>
    public ConnectionStateRecoveryOptions? ConnectionStateRecovery { get; set; }

    /// <summary>
    /// What happens when an event without ack is refused before its handler (bad arguments, failed validation, missing
    /// authorization): by default the client receives <see cref="ErrorEventName"/> with
    /// <c>{"event":..., "error":{"code","message","errors"?}}</c>; <see cref="UnacknowledgedRejection.Ignore"/> sends
    /// nothing (Node's behaviour). An event with ack always gets the rejection as its ack.
    /// </summary>
    public UnacknowledgedRejection UnacknowledgedRejection { get; set; } = UnacknowledgedRejection.ErrorEvent;

    /// <summary>The event that carries refusals of events without ack. Default <c>typedio:error</c>.</summary>
    public string ErrorEventName { get; set; } = "typedio:error";

    /// <summary>Whether a dynamic child namespace is removed once its last socket leaves. Default false.</summary>
    public bool CleanupEmptyChildNamespaces { get; set; }

    /// <summary>Throws when an option is out of range.</summary>
    public void Validate()
    {
        if (ConnectTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(ConnectTimeout));
        if (MaxAttachments < 0) throw new ArgumentOutOfRangeException(nameof(MaxAttachments));
        if (MaxJsonDepth <= 0) throw new ArgumentOutOfRangeException(nameof(MaxJsonDepth));
        if (AckTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(AckTimeout));
        if (MaxConcurrentEventsPerSocket <= 0) throw new ArgumentOutOfRangeException(nameof(MaxConcurrentEventsPerSocket));
        ConnectionStateRecovery?.Validate();
        ArgumentException.ThrowIfNullOrEmpty(ErrorEventName);
        if (ReservedEvents.IsReserved(ErrorEventName)) throw new ArgumentException($"'{ErrorEventName}' is reserved by Socket.IO.", nameof(ErrorEventName));
        ArgumentNullException.ThrowIfNull(EngineIo);
        EngineIo.Validate();
    }
}

/// <summary>What the client learns when an event it sent without ack is refused before its handler.</summary>
public enum UnacknowledgedRejection
{
    /// <summary>The server emits <see cref="SocketIoOptions.ErrorEventName"/> to the socket with the event name and the rejection.</summary>
    ErrorEvent,

    /// <summary>Nothing is sent (the refusal is still logged).</summary>
    Ignore,
}
