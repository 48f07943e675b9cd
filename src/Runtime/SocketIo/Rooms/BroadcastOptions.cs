using System.Collections.Immutable;

namespace TypedIo.SocketIo;

/// <summary>Who a broadcast goes to and how: rooms (none = every socket), rooms excluded, and flags.</summary>
public sealed record BroadcastOptions(ImmutableHashSet<string> Rooms, ImmutableHashSet<string> Except, BroadcastFlags Flags)
{
    /// <summary>Every socket of the namespace.</summary>
    public static BroadcastOptions All { get; } = new(ImmutableHashSet<string>.Empty, ImmutableHashSet<string>.Empty, BroadcastFlags.None);

    /// <summary>
    /// How long a broadcast with ack waits for answers (Node's <c>flags.timeout</c>); null for a broadcast without ack or
    /// one that waits without limit. A multi-node adapter sends it to the other nodes.
    /// </summary>
    public TimeSpan? Timeout { get; init; }
}

/// <summary>Broadcast flags.</summary>
[Flags]
public enum BroadcastFlags
{
    /// <summary>No flag.</summary>
    None = 0,
    /// <summary>Only sockets of this server node (matters for multi-node adapters).</summary>
    Local = 1,
    /// <summary>Dropped for a socket whose transport cannot write right away.</summary>
    Volatile = 2,
    /// <summary>Sent without compression.</summary>
    NoCompress = 4,
}
