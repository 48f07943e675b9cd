using System.Runtime.InteropServices;
using System.Text.Json;

namespace TypedIo.SocketIo;

/// <summary>
/// Writes a <see cref="JsonElement"/> as the JSON text it was parsed from. <see cref="JsonElement.WriteTo"/> unescapes
/// strings and escapes them again, which throws on a lone UTF-16 surrogate escape (<c>"\ud800"</c>): legal JSON that
/// the parser accepts and Node relays unchanged. A value the server accepted therefore goes back out byte for byte.
/// </summary>
internal static class RawJson
{
    public static void Write(Utf8JsonWriter writer, JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Undefined)
        {
            element.WriteTo(writer); // throws the usual InvalidOperationException for a default element
            return;
        }
        try
        {
            // Validated: a document parsed with comments or trailing commas allowed has raw text that is not JSON.
            writer.WriteRawValue(JsonMarshal.GetRawUtf8Value(element), skipInputValidation: false);
        }
        catch (JsonException)
        {
            // Such a document's values are written as the serializer sees them instead (nothing was written yet).
            element.WriteTo(writer);
        }
    }
}
