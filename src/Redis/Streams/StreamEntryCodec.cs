using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using MessagePack;
using StackExchange.Redis;
using TypedIo.Redis.Cluster;
using TypedIo.Redis.Codec;

namespace TypedIo.Redis.Streams;

/// <summary>
/// Cluster messages as Node's streams adapter (0.3) writes them: a stream entry with the fields <c>uid</c>, <c>nsp</c>,
/// <c>type</c> (the message type as a decimal string) and, when the message has data, <c>data</c>: the data object as
/// JSON text, or as base64 msgpack when it holds binary values; and on pub/sub (ephemeral messages and responses)
/// always the msgpack of the whole message <c>{type, data, uid, nsp}</c>.
/// </summary>
internal static class StreamEntryCodec
{
    /// <summary>The entry fields of <paramref name="message"/>.</summary>
    public static NameValueEntry[] Encode(ClusterMessage message)
    {
        var type = ((int)message.Type).ToString(CultureInfo.InvariantCulture);
        if (message.DataJson.IsEmpty)
            return [new("uid", message.Uid), new("nsp", message.Namespace), new("type", type)];
        string data;
        if (message.Attachments.Count == 0)
        {
            data = Encoding.UTF8.GetString(message.DataJson.Span);
        }
        else
        {
            using var document = JsonDocument.Parse(message.DataJson);
            var buffer = new ArrayBufferWriter<byte>(message.DataJson.Length + 64);
            var writer = new MessagePackWriter(buffer);
            JsonToMessagePack.Write(ref writer, document.RootElement, message.Attachments);
            writer.Flush();
            data = Convert.ToBase64String(buffer.WrittenSpan);
        }
        return [new("uid", message.Uid), new("nsp", message.Namespace), new("type", type), new("data", data)];
    }

    /// <summary>The message of a stream entry, or null when the entry has no namespace (Node skips such entries).</summary>
    /// <exception cref="FormatException">A field is missing or malformed (also for bad JSON or msgpack).</exception>
    public static ClusterMessage? Decode(StreamEntry entry)
    {
        string? uid = null, nsp = null, type = null, data = null;
        foreach (var field in entry.Values)
        {
            switch ((string?)field.Name)
            {
                case "uid": uid = field.Value; break;
                case "nsp": nsp = field.Value; break;
                case "type": type = field.Value; break;
                case "data": data = field.Value; break;
            }
        }
        if (string.IsNullOrEmpty(nsp))
            return null;
        if (!int.TryParse(type, NumberStyles.Integer, CultureInfo.InvariantCulture, out var typeValue))
            throw new FormatException("The entry's type is not a number.");
        if (string.IsNullOrEmpty(data))
            return new ClusterMessage((ClusterMessageType)typeValue, uid ?? "", nsp);
        try
        {
            if (data[0] == '{')
            {
                var json = Encoding.UTF8.GetBytes(data);
                using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64 });
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                    throw new FormatException("The entry's data is not an object.");
                return new ClusterMessage((ClusterMessageType)typeValue, uid ?? "", nsp, json);
            }
            var reader = new MessagePackReader(Convert.FromBase64String(data));
            if (reader.NextMessagePackType != MessagePackType.Map)
                throw new FormatException("The entry's msgpack data is not a map.");
            List<ReadOnlyMemory<byte>> attachments = [];
            var converted = PacketMessagePack.ReadJson(ref reader, attachments);
            return new ClusterMessage((ClusterMessageType)typeValue, uid ?? "", nsp, converted, attachments);
        }
        catch (Exception ex) when (ex is JsonException or MessagePackSerializationException)
        {
            throw new FormatException(ex.Message, ex);
        }
    }

    /// <summary>The msgpack of the whole message, as Node's streams adapter publishes on pub/sub (binary as <c>bin</c>).</summary>
    public static byte[] EncodePubSub(ClusterMessage message) =>
        ClusterMessageCodec.ToMessagePack(ClusterMessageCodec.EncodeJson(message), message.Attachments);
}
