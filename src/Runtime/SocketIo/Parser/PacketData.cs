using System.Text.Json;
using System.Text.Json.Nodes;

namespace TypedIo.SocketIo;

/// <summary>Helpers for reading the JSON of a decoded <see cref="SocketPacket"/>.</summary>
public static class PacketData
{
    /// <summary>
    /// Converts packet JSON to a mutable <see cref="JsonNode"/>, replacing each binary placeholder with a
    /// <see cref="JsonValue"/> holding the attachment's <c>byte[]</c>. Encoding the node again with
    /// <see cref="JsonPacketParser"/> turns those values back into placeholders and attachments, so received
    /// arguments can be echoed as they came. With no attachments (a non-binary packet), placeholder-like objects
    /// are plain data. JSON <c>null</c> becomes a null node.
    /// </summary>
    /// <example><c>var node = PacketData.ToNode(packet.Data!.Value[1], packet.Attachments);</c></example>
    /// <exception cref="ArgumentException">A placeholder refers to no attachment.</exception>
    public static JsonNode? ToNode(JsonElement element, IReadOnlyList<byte[]> attachments)
    {
        ArgumentNullException.ThrowIfNull(attachments);
        return Convert(element, attachments);
    }

    private static JsonNode? Convert(JsonElement element, IReadOnlyList<byte[]> attachments)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                if (attachments.Count > 0 && Placeholder.IsPlaceholder(element))
                {
                    if (!Placeholder.TryGetIndex(element, attachments.Count, out var index))
                        throw new ArgumentException("A binary placeholder refers to no attachment.", nameof(element));
                    return JsonValue.Create(attachments[index], ParserJsonContext.Default.ByteArray);
                }
                var obj = new JsonObject();
                foreach (var property in element.EnumerateObject())
                    obj[property.Name] = Convert(property.Value, attachments);
                return obj;
            case JsonValueKind.Array:
                var array = new JsonArray();
                foreach (var item in element.EnumerateArray())
                    array.Add(Convert(item, attachments));
                return array;
            case JsonValueKind.Null:
            case JsonValueKind.Undefined:
                return null;
            default:
                return JsonValue.Create(element);
        }
    }
}
