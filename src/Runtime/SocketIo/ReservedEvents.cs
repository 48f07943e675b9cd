namespace TypedIo.SocketIo;

/// <summary>Event names the protocol reserves: neither side may send them as events.</summary>
public static class ReservedEvents
{
    private static readonly HashSet<string> Names = new(StringComparer.Ordinal)
    {
        "connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener",
    };

    /// <summary>Whether <paramref name="eventName"/> is reserved.</summary>
    public static bool IsReserved(string eventName) => Names.Contains(eventName);

    internal static void ThrowIfReserved(string eventName)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        if (IsReserved(eventName))
            throw new ArgumentException($"'{eventName}' is a reserved event name.", nameof(eventName));
    }
}
