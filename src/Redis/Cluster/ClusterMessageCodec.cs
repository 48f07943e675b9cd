using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using MessagePack;
using TypedIo.Redis.Codec;

namespace TypedIo.Redis.Cluster;

/// <summary>
/// The bytes of a <see cref="ClusterMessage"/> as Node's Redis sharded adapter writes them: <c>JSON.stringify</c> of
/// <c>{type, data, uid, nsp}</c>, or notepack's msgpack of the same object when its data holds binary; read back from
/// either (JSON when the first byte is <c>{</c>).
/// </summary>
internal static class ClusterMessageCodec
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Encode(ClusterMessage message)
    {
        var json = EncodeJson(message);
        return message.Attachments.Count == 0 ? json : ToMessagePack(json, message.Attachments);
    }

    /// <summary>The notepack msgpack of a message's JSON, its binary placeholders replaced by the attachments.</summary>
    public static byte[] ToMessagePack(byte[] json, IReadOnlyList<ReadOnlyMemory<byte>> attachments)
    {
        using var document = JsonDocument.Parse(json);
        var buffer = new ArrayBufferWriter<byte>(json.Length + 64);
        var writer = new MessagePackWriter(buffer);
        JsonToMessagePack.Write(ref writer, document.RootElement, attachments);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The message as JSON, binary values as placeholders (what a transport encodes further).</summary>
    public static byte[] EncodeJson(ClusterMessage message)
    {
        var buffer = new ArrayBufferWriter<byte>(message.DataJson.Length + 64);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteNumber("type"u8, (int)message.Type);
            if (!message.DataJson.IsEmpty)
            {
                writer.WritePropertyName("data"u8);
                writer.WriteRawValue(message.DataJson.Span, skipInputValidation: true);
            }
            writer.WriteString("uid"u8, message.Uid);
            writer.WriteString("nsp"u8, message.Namespace);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads a message; throws <see cref="FormatException"/>, <see cref="JsonException"/> or a msgpack exception when it is malformed.</summary>
    public static ClusterMessage Decode(ReadOnlyMemory<byte> raw)
    {
        if (raw.IsEmpty)
            throw new FormatException("An empty message.");
        List<ReadOnlyMemory<byte>> attachments = [];
        ReadOnlyMemory<byte> json;
        if (raw.Span[0] == (byte)'{')
        {
            json = raw;
        }
        else
        {
            var reader = new MessagePackReader(raw);
            if (reader.NextMessagePackType != MessagePackType.Map)
                throw new FormatException("A msgpack cluster message is a map.");
            json = PacketMessagePack.ReadJson(ref reader, attachments);
            if (!reader.End)
                throw new FormatException("Trailing bytes after the message.");
        }
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64 });
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
            throw new FormatException("A cluster message is an object.");
        if (!root.TryGetProperty("type"u8, out var type) || !type.TryGetInt32(out var typeValue))
            throw new FormatException("A cluster message has a numeric type.");
        var uid = root.TryGetProperty("uid"u8, out var u) && u.ValueKind == JsonValueKind.String ? u.GetString()! : "";
        var nsp = root.TryGetProperty("nsp"u8, out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : "";
        ReadOnlyMemory<byte> data = default;
        if (root.TryGetProperty("data"u8, out var d))
        {
            if (d.ValueKind != JsonValueKind.Object)
                throw new FormatException("A cluster message's data is an object.");
            data = System.Text.Encoding.UTF8.GetBytes(d.GetRawText());
        }
        return new ClusterMessage((ClusterMessageType)typeValue, uid, nsp, data, attachments);
    }
}
