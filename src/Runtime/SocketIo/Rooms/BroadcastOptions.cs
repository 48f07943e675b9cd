using System.Collections.Immutable;

namespace TypedIo.SocketIo;

/// <summary>Who a broadcast goes to and how: rooms (none = every socket), rooms excluded, and flags.</summary>
public sealed record BroadcastOptions(ImmutableHashSet<string> Rooms, ImmutableHashSet<string> Except, BroadcastFlags Flags)
{
    /// <summary>Every socket of the namespace.</summary>
    public static BroadcastOptions All { get; } = new(ImmutableHashSet<string>.Empty, ImmutableHashSet<string>.Empty, BroadcastFlags.None);
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
