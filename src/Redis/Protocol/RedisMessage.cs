using System.Buffers;
using System.Text.Json;
using MessagePack;
using TypedIo.Redis.Codec;
using TypedIo.SocketIo;

namespace TypedIo.Redis.Protocol;

/// <summary>
/// A request or response read from the request or response channels: JSON when it starts with <c>{</c>, else msgpack
/// (what Node's adapter sends for BROADCAST and BROADCAST_ACK, which carry packets). The fields other than
/// <c>packet</c> are exposed as JSON; <c>packet</c> is a <see cref="RemotePacket"/> for a BROADCAST request and the
/// client's answer for a BROADCAST_ACK.
/// </summary>
internal sealed class RedisMessage : IDisposable
{
    private readonly JsonDocument _document;

    private RedisMessage(JsonDocument document, RemotePacket? packet, SocketArgs? answer)
    {
        _document = document;
        Root = document.RootElement;
        if (Root.ValueKind != JsonValueKind.Object)
            throw new FormatException("A request or response is an object.");
        Packet = packet;
        Answer = answer;
        if (Root.TryGetProperty("type"u8, out var type) && type.TryGetInt32(out var value))
            Type = (RedisRequestType)value;
        Uid = GetString("uid"u8);
        RequestId = GetString("requestId"u8);
    }

    /// <summary>The fields of the message (without <c>packet</c> for msgpack messages).</summary>
    public JsonElement Root { get; }

    public RedisRequestType? Type { get; }

    public string? Uid { get; }

    public string? RequestId { get; }

    /// <summary>The packet of a BROADCAST request (msgpack).</summary>
    public RemotePacket? Packet { get; }

    /// <summary>The client's answer of a BROADCAST_ACK (msgpack): one argument, or none when it answered with none.</summary>
    public SocketArgs? Answer { get; }

    /// <summary>Reads a message; throws <see cref="FormatException"/> or a msgpack exception when it is malformed.</summary>
    public static RedisMessage Parse(ReadOnlyMemory<byte> raw)
    {
        if (raw.IsEmpty)
            throw new FormatException("An empty message.");
        if (raw.Span[0] == (byte)'{')
            return new RedisMessage(JsonDocument.Parse(raw, new JsonDocumentOptions { MaxDepth = 64 }), null, null);
        return ParseMessagePack(raw);
    }

    private static RedisMessage ParseMessagePack(ReadOnlyMemory<byte> raw)
    {
        var typeReader = new MessagePackReader(raw);
        var type = FindType(ref typeReader);

        var reader = new MessagePackReader(raw);
        var count = reader.ReadMapHeader();
        var buffer = new ArrayBufferWriter<byte>(128);
        var json = new JsJsonWriter(buffer);
        var ignored = new List<ReadOnlyMemory<byte>>();
        RemotePacket? packet = null;
        SocketArgs? answer = null;
        json.StartObject();
        for (var i = 0; i < count; i++)
        {
            var key = reader.NextMessagePackType == MessagePackType.String ? reader.ReadString()! : null;
            if (key is null)
            {
                reader.Skip();
                reader.Skip();
                continue;
            }
            if (key == "packet" && type == RedisRequestType.Broadcast)
            {
                packet = PacketMessagePack.ReadPacket(ref reader);
                continue;
            }
            if (key == "packet" && type == RedisRequestType.BroadcastAck)
            {
                answer = PacketMessagePack.ReadArgs(ref reader, asSingleArgument: true);
                continue;
            }
            json.PropertyName(key);
            MessagePackToJson.Write(ref reader, json, ignored);
        }
        json.EndObject();
        if (!reader.End)
            throw new FormatException("Trailing bytes after the message.");
        if (type == RedisRequestType.BroadcastAck)
            answer ??= SocketArgs.Empty; // notepack.io leaves out a key whose value is undefined: an ack without arguments
        return new RedisMessage(JsonDocument.Parse(buffer.WrittenMemory), packet, answer);
    }

    private static RedisRequestType? FindType(ref MessagePackReader reader)
    {
        if (reader.NextMessagePackType != MessagePackType.Map)
            throw new FormatException("A msgpack request or response is a map.");
        var count = reader.ReadMapHeader();
        for (var i = 0; i < count; i++)
        {
            if (reader.NextMessagePackType == MessagePackType.String && reader.ReadString() == "type" && reader.NextMessagePackType == MessagePackType.Integer)
                return (RedisRequestType)reader.ReadInt32();
            reader.Skip();
        }
        return null;
    }

    public string? GetString(ReadOnlySpan<byte> name) =>
        Root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public bool TryGet(ReadOnlySpan<byte> name, out JsonElement value) => Root.TryGetProperty(name, out value);

    /// <summary>Room names from a JSON array (Node's rooms may be numbers: they become their text).</summary>
    public static IEnumerable<string> Rooms(JsonElement array)
    {
        if (array.ValueKind != JsonValueKind.Array)
            yield break;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String)
                yield return item.GetString()!;
            else if (item.ValueKind == JsonValueKind.Number)
                yield return item.GetRawText();
        }
    }

    public void Dispose() => _document.Dispose();
}
