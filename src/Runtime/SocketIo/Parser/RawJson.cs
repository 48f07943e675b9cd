using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace TypedIo.SocketIo;

/// <summary>
/// Writes a <see cref="JsonElement"/> as the JSON text it was parsed from. <see cref="JsonElement.WriteTo"/> unescapes
/// strings and escapes them again, which throws on a lone UTF-16 surrogate escape (<c>"\ud800"</c>): legal JSON that
/// the parser accepts and Node relays unchanged. A value the server accepted therefore goes back out byte for byte.
/// </summary>
/// <remarks>
/// The text is copied without a second validating pass where it cannot be anything but JSON. A document's text passed
/// its parser, and the only text a <see cref="JsonDocument"/> accepts beyond JSON is what lenient options allow between
/// tokens: comments and trailing commas. A single value (string, number, literal) is one token, so its text is JSON
/// whatever the options; an object or array is JSON unless its text has a comment (which starts with <c>/</c>) or a
/// comma before a closing bracket. Only text that may have one (a <c>/</c> in a string, say) is validated again.
/// </remarks>
internal static class RawJson
{
    private static readonly SearchValues<byte> Closers = SearchValues.Create("]}"u8);

    public static void Write(Utf8JsonWriter writer, JsonElement element)
    {
        var kind = element.ValueKind;
        if (kind == JsonValueKind.Undefined)
        {
            element.WriteTo(writer); // throws the usual InvalidOperationException for a default element
            return;
        }
        var raw = JsonMarshal.GetRawUtf8Value(element);
        if (kind is not (JsonValueKind.Object or JsonValueKind.Array) || !MayHaveExtensions(raw))
        {
            writer.WriteRawValue(raw, skipInputValidation: true);
            return;
        }
        try
        {
            writer.WriteRawValue(raw, skipInputValidation: false);
        }
        catch (JsonException)
        {
            // A document parsed with comments or trailing commas allowed: its values are written as the serializer
            // sees them instead (nothing was written yet).
            element.WriteTo(writer);
        }
    }

    /// <summary>
    /// Whether the text of a parsed object or array may hold a comment or a trailing comma. Conservative: a <c>/</c>
    /// or a <c>, ]</c> inside a string counts too (the text is then validated, no more).
    /// </summary>
    internal static bool MayHaveExtensions(ReadOnlySpan<byte> raw)
    {
        if (raw.Contains((byte)'/'))
            return true;
        var offset = 0;
        int found;
        while ((found = raw[offset..].IndexOfAny(Closers)) >= 0)
        {
            var closer = offset + found;
            var before = raw[..closer].TrimEnd(" \t\r\n"u8);
            if (before.Length > 0 && before[^1] == (byte)',')
                return true;
            offset = closer + 1;
        }
        return false;
    }
}
