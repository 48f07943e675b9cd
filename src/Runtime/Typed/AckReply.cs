using System.Text.Json;
using TypedIo.SocketIo;

namespace TypedIo;

/// <summary>Reads a client's ack as the type the contract declares.</summary>
internal static class AckReply
{
    public static T Read<T>(SocketArgs reply, string eventName, bool allowsNull)
    {
        if (!TryRead<T>(reply, allowsNull, out var value, out var reason))
            throw new SocketAckException(eventName, reason);
        return value;
    }

    public static bool TryRead<T>(SocketArgs reply, bool allowsNull, out T value, out string reason)
    {
        value = default!;
        if (reply.Count == 0)
        {
            reason = "it carries no value";
            return allowsNull;
        }
        T? read;
        try
        {
            read = reply.Get<T>(0);
        }
        catch (JsonException)
        {
            reason = $"it is not a valid {Nullable.GetUnderlyingType(typeof(T))?.Name ?? typeof(T).Name}";
            return false;
        }
        if (read is null && !allowsNull)
        {
            reason = "it is null";
            return false;
        }
        value = read!;
        reason = "";
        return true;
    }
}

/// <summary>The client's ack does not fit the type the contract declares.</summary>
public sealed class SocketAckException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SocketAckException(string eventName, string reason)
        : base($"The client's ack to '{eventName}' was refused: {reason}.")
    {
        EventName = eventName;
    }

    /// <summary>The event whose ack did not fit.</summary>
    public string EventName { get; }
}
