using System.Text.Json;

namespace TypedIo.SocketIo;

/// <summary>The <c>{"_placeholder":true,"num":N}</c> object that stands for a binary attachment in packet JSON.</summary>
internal static class Placeholder
{
    public static ReadOnlySpan<byte> MarkerName => "_placeholder"u8;
    public static ReadOnlySpan<byte> NumName => "num"u8;

    /// <summary>Writes a placeholder with the keys in the order socket.io-parser writes them.</summary>
    public static void Write(Utf8JsonWriter writer, int num)
    {
        writer.WriteStartObject();
        writer.WriteBoolean(MarkerName, true);
        writer.WriteNumber(NumName, num);
        writer.WriteEndObject();
    }

    /// <summary>Whether <paramref name="element"/> is an object with <c>"_placeholder": true</c> (keys in any order).</summary>
    public static bool IsPlaceholder(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object
        && TryGetProperty(element, MarkerName, out var marker)
        && marker.ValueKind == JsonValueKind.True;

    /// <summary>The attachment index of a placeholder, when <c>num</c> is an integer in <c>[0, count)</c>.</summary>
    public static bool TryGetIndex(JsonElement placeholder, int count, out int index)
    {
        index = -1;
        return TryGetProperty(placeholder, NumName, out var num)
            && num.ValueKind == JsonValueKind.Number
            && num.TryGetInt32(out index)
            && index >= 0
            && index < count;
    }

    /// <summary>
    /// <see cref="JsonElement.TryGetProperty(ReadOnlySpan{byte}, out JsonElement)"/>, except that a property name
    /// holding a lone surrogate escape (legal JSON, which the lookup throws on when it unescapes names to compare them)
    /// is a name that does not match.
    /// </summary>
    private static bool TryGetProperty(JsonElement element, ReadOnlySpan<byte> name, out JsonElement value)
    {
        try
        {
            return element.TryGetProperty(name, out value);
        }
        catch (InvalidOperationException)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (IsName(property, name))
                {
                    value = property.Value;
                    return true;
                }
            }
            value = default;
            return false;
        }
    }

    private static bool IsName(JsonProperty property, ReadOnlySpan<byte> name)
    {
        try
        {
            return property.NameEquals(name);
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
