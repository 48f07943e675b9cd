using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using MessagePack;
using StackExchange.Redis;
using TypedIo.Redis.Codec;

namespace TypedIo.Redis.Streams;

/// <summary>
/// A cluster message as Node's streams adapter writes it into the stream: the fields <c>uid</c>, <c>nsp</c>,
/// <c>type</c> (the message type as a decimal string) and, when the message has data, <c>data</c>: the data object as
/// JSON text, or as base64 msgpack when it holds binary values. The cluster layer speaks msgpack maps
/// <c>{uid, nsp, type, data}</c> (as on pub/sub); this codec converts between the two.
/// </summary>
internal static class StreamEntryCodec
{
    private const int MaxDepth = 64;

    /// <summary>The entry fields of a msgpack cluster message <c>{uid, nsp, type, data?}</c>.</summary>
    /// <remarks>Throws a MessagePack.MessagePackSerializationException when the message is not such a map.</remarks>
    public static NameValueEntry[] Encode(ReadOnlyMemory<byte> message)
    {
        var reader = new MessagePackReader(message);
        string? uid = null, nsp = null;
        long? type = null;
        ReadOnlyMemory<byte>? data = null;
        var count = reader.ReadMapHeader();
        for (var i = 0; i < count; i++)
        {
            var key = reader.ReadString();
            switch (key)
            {
                case "uid": uid = reader.ReadString(); break;
                case "nsp": nsp = reader.ReadString(); break;
                case "type": type = reader.ReadInt64(); break;
                case "data":
                    var start = reader.Consumed;
                    reader.Skip();
                    data = message[(int)start..(int)reader.Consumed];
                    break;
                default: reader.Skip(); break;
            }
        }
        if (uid is null || nsp is null || type is null)
            throw new MessagePackSerializationException("A cluster message has a uid, a namespace and a type.");
        var typeText = type.Value.ToString(CultureInfo.InvariantCulture);
        // An absent or nil data is written as no field, as Node's "if (message.data)" does.
        if (data is not { } bytes || bytes.Span[0] == MessagePackCode.Nil)
            return [new("uid", uid), new("nsp", nsp), new("type", typeText)];
        return [new("uid", uid), new("nsp", nsp), new("type", typeText), new("data", EncodeData(bytes))];
    }

    /// <summary>JSON text, or base64 msgpack when the data holds a binary value (Node's <c>hasBinary</c>).</summary>
    private static string EncodeData(ReadOnlyMemory<byte> data)
    {
        var scan = new MessagePackReader(data);
        if (ContainsBinary(ref scan, 0))
            return Convert.ToBase64String(data.Span);
        var reader = new MessagePackReader(data);
        var buffer = new ArrayBufferWriter<byte>(256);
        MessagePackToJson.Write(ref reader, new JsJsonWriter(buffer), []);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// The msgpack cluster message of a stream entry, or null when the entry has no namespace (Node skips such entries).
    /// </summary>
    /// <exception cref="FormatException">A field is missing or malformed.</exception>
    public static byte[]? Decode(StreamEntry entry)
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
        var buffer = new ArrayBufferWriter<byte>(256);
        var writer = new MessagePackWriter(buffer);
        var withData = !string.IsNullOrEmpty(data);
        writer.WriteMapHeader(withData ? 4 : 3);
        writer.Write("uid");
        if (uid is null)
            writer.WriteNil();
        else
            writer.Write(uid);
        writer.Write("nsp");
        writer.Write(nsp);
        writer.Write("type");
        writer.Write(typeValue);
        if (withData)
        {
            writer.Write("data");
            if (data![0] == '{')
            {
                using var document = JsonDocument.Parse(data);
                JsonToMessagePack.Write(ref writer, document.RootElement, []);
            }
            else
            {
                writer.WriteRaw(Convert.FromBase64String(data));
            }
        }
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private static bool ContainsBinary(ref MessagePackReader reader, int depth)
    {
        if (depth > MaxDepth)
            throw new MessagePackSerializationException("The message is nested too deeply.");
        switch (reader.NextMessagePackType)
        {
            case MessagePackType.Binary:
                return true;
            case MessagePackType.Array:
                var length = reader.ReadArrayHeader();
                var found = false;
                for (var i = 0; i < length; i++)
                    found |= ContainsBinary(ref reader, depth + 1);
                return found;
            case MessagePackType.Map:
                var count = reader.ReadMapHeader();
                var inMap = false;
                for (var i = 0; i < count; i++)
                {
                    reader.Skip();
                    inMap |= ContainsBinary(ref reader, depth + 1);
                }
                return inMap;
            default:
                reader.Skip();
                return false;
        }
    }
}
