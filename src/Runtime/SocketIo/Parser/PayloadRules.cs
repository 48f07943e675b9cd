using System.Text.Json;

namespace TypedIo.SocketIo;

/// <summary>Which JSON payload each packet type may carry.</summary>
internal static class PayloadRules
{
    /// <summary>Whether a packet of <paramref name="type"/> may come without a payload.</summary>
    public static bool AllowsNoPayload(SocketPacketType type) =>
        type is SocketPacketType.Connect or SocketPacketType.Disconnect or SocketPacketType.ConnectError;

    /// <summary>Checks a present payload against its packet type; returns the reason when it does not fit.</summary>
    public static string? Check(SocketPacketType type, JsonElement payload)
    {
        switch (type)
        {
            case SocketPacketType.Connect:
                return payload.ValueKind == JsonValueKind.Object ? null : "CONNECT payload must be an object";
            case SocketPacketType.Disconnect:
                return "DISCONNECT carries no payload";
            case SocketPacketType.ConnectError:
                return payload.ValueKind is JsonValueKind.Object or JsonValueKind.String
                    ? null
                    : "CONNECT_ERROR payload must be a string or an object";
            case SocketPacketType.Event:
            case SocketPacketType.BinaryEvent:
                return CheckEvent(payload);
            default:
                return payload.ValueKind == JsonValueKind.Array ? null : "ACK payload must be an array";
        }
    }

    private static string? CheckEvent(JsonElement payload)
    {
        if (payload.ValueKind != JsonValueKind.Array || payload.GetArrayLength() == 0)
            return "EVENT payload must be a non-empty array";
        var name = payload[0];
        if (name.ValueKind != JsonValueKind.String)
            return "event name must be a string";
        if (!IsWellFormedString(name))
            return "event name must be well-formed UTF-16";
        return IsReserved(name) ? "reserved event name" : null;
    }

    /// <summary>
    /// <see cref="CheckEvent"/>'s rules for the first element of an EVENT array, on a reader positioned at it.
    /// </summary>
    public static string? CheckEventName(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
            return "event name must be a string";
        if (reader.ValueIsEscaped)
        {
            try
            {
                _ = reader.GetString();
            }
            catch (InvalidOperationException)
            {
                return "event name must be well-formed UTF-16";
            }
        }
        return reader.ValueTextEquals("connect"u8)
            || reader.ValueTextEquals("connect_error"u8)
            || reader.ValueTextEquals("disconnect"u8)
            || reader.ValueTextEquals("disconnecting"u8)
            || reader.ValueTextEquals("newListener"u8)
            || reader.ValueTextEquals("removeListener"u8)
            ? "reserved event name"
            : null;
    }

    // A name with a lone surrogate escape ("\ud800") is legal JSON but no .NET string can be read from it: refused
    // here rather than failing wherever the name is read.
    private static bool IsWellFormedString(JsonElement name)
    {
        if (System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(name).IndexOf((byte)'\\') < 0)
            return true;
        try
        {
            _ = name.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    // The names socket.io-parser refuses: they have a meaning of their own on the client or in EventEmitter.
    private static bool IsReserved(JsonElement name) =>
        name.ValueEquals("connect"u8)
        || name.ValueEquals("connect_error"u8)
        || name.ValueEquals("disconnect"u8)
        || name.ValueEquals("disconnecting"u8)
        || name.ValueEquals("newListener"u8)
        || name.ValueEquals("removeListener"u8);
}
