using System.Buffers;
using System.Text.Json;
using MessagePack;
using TypedIo.SocketIo;

namespace TypedIo.Redis.Codec;

/// <summary>
/// A Socket.IO packet as Node's Redis adapters carry it inside their msgpack messages: the packet object
/// <c>{type, data, nsp}</c> (plus <c>id</c> when it has one), whose <c>data</c> holds binary values as <c>bin</c>
/// rather than placeholders, and whose <c>type</c> is the plain one (2 for an event: socket.io-parser picks the binary
/// variant only when encoding for a client).
/// </summary>
internal static class PacketMessagePack
{
    /// <summary>
    /// Writes <paramref name="packet"/>'s object (<c>{type, data, nsp}</c>, in socket.io's key order), with
    /// <c>id</c> only when <paramref name="includeId"/> and the packet has one.
    /// </summary>
    /// <exception cref="ArgumentException">The packet does not describe its content (not encoded by <see cref="JsonPacketParser"/>).</exception>
    public static void Write(ref MessagePackWriter writer, EncodedPacket packet, bool includeId = false)
    {
        if (packet.Type is not { } type || packet.Namespace is not { } nsp)
            throw new ArgumentException("The Redis adapters need packets encoded by the JsonPacketParser.", nameof(packet));
        var withId = includeId && packet.AckId is not null;
        writer.WriteMapHeader(packet.Data.IsEmpty ? (withId ? 3 : 2) : (withId ? 4 : 3));
        writer.Write("type");
        writer.Write((int)PlainType(type));
        if (!packet.Data.IsEmpty)
        {
            writer.Write("data");
            WriteData(ref writer, packet);
        }
        writer.Write("nsp");
        writer.Write(nsp);
        if (withId)
        {
            writer.Write("id");
            writer.Write(packet.AckId!.Value);
        }
    }

    /// <summary>Writes the packet's data (its JSON, binary placeholders as <c>bin</c>).</summary>
    public static void WriteData(ref MessagePackWriter writer, EncodedPacket packet)
    {
        var attachments = new ReadOnlyMemory<byte>[packet.AttachmentCount];
        for (var i = 0; i < attachments.Length; i++)
            attachments[i] = packet.GetAttachment(i);
        using var document = JsonDocument.Parse(packet.Data);
        JsonToMessagePack.Write(ref writer, document.RootElement, attachments);
    }

    /// <summary>Writes a JSON value (binary placeholders into <paramref name="attachments"/> as <c>bin</c>).</summary>
    public static void WriteValue(ref MessagePackWriter writer, JsonElement value, IReadOnlyList<byte[]> attachments)
    {
        var memory = new ReadOnlyMemory<byte>[attachments.Count];
        for (var i = 0; i < memory.Length; i++)
            memory[i] = attachments[i];
        JsonToMessagePack.Write(ref writer, value, memory);
    }

    /// <summary>
    /// Reads a packet object. Unknown keys are skipped (socket.io ignores them); a missing <c>nsp</c> is <c>/</c>, as
    /// Node's adapter reads it.
    /// </summary>
    /// <remarks>Throws a MessagePack.MessagePackSerializationException for Malformed input, or not a packet object.</remarks>
    public static RemotePacket ReadPacket(ref MessagePackReader reader)
    {
        if (reader.NextMessagePackType != MessagePackType.Map)
            throw new MessagePackSerializationException("A packet is a map.");
        var count = reader.ReadMapHeader();
        SocketPacketType? type = null;
        string nsp = "/";
        long? id = null;
        byte[]? json = null;
        List<ReadOnlyMemory<byte>> attachments = [];
        for (var i = 0; i < count; i++)
        {
            var key = reader.NextMessagePackType == MessagePackType.String ? reader.ReadString() : null;
            switch (key)
            {
                case "type" when reader.NextMessagePackType == MessagePackType.Integer:
                    var value = reader.ReadInt64();
                    if (value is < 0 or > 6)
                        throw new MessagePackSerializationException("Unknown packet type.");
                    type = (SocketPacketType)value;
                    break;
                case "nsp" when reader.NextMessagePackType == MessagePackType.String:
                    nsp = reader.ReadString()!;
                    break;
                case "id" when reader.NextMessagePackType == MessagePackType.Integer:
                    id = reader.ReadInt64();
                    break;
                case "data":
                    json = ReadJson(ref reader, attachments);
                    break;
                default:
                    if (key is null)
                        reader.Skip();
                    reader.Skip();
                    break;
            }
        }
        if (type is null)
            throw new MessagePackSerializationException("A packet has a type.");
        return new RemotePacket(type.Value, nsp, id, json, attachments);
    }

    /// <summary>Reads one value as JSON (binary values as placeholders appended to <paramref name="attachments"/>).</summary>
    public static byte[] ReadJson(ref MessagePackReader reader, List<ReadOnlyMemory<byte>> attachments)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        MessagePackToJson.Write(ref reader, new JsJsonWriter(buffer), attachments);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads one value as a single argument list (<c>[value]</c>) for <see cref="SocketArgs"/>.</summary>
    public static SocketArgs ReadArgs(ref MessagePackReader reader, bool asSingleArgument)
    {
        var attachments = new List<ReadOnlyMemory<byte>>();
        var buffer = new ArrayBufferWriter<byte>(256);
        var writer = new JsJsonWriter(buffer);
        if (asSingleArgument)
            writer.StartArray();
        MessagePackToJson.Write(ref reader, writer, attachments);
        if (asSingleArgument)
            writer.EndArray();
        return ToArgs(buffer.WrittenMemory, attachments);
    }

    /// <summary>Arguments from a JSON array with placeholders into <paramref name="attachments"/>.</summary>
    public static SocketArgs ToArgs(ReadOnlyMemory<byte> jsonArray, IReadOnlyList<ReadOnlyMemory<byte>> attachments)
    {
        var element = JsonDocument.Parse(jsonArray).RootElement.Clone();
        if (element.ValueKind != JsonValueKind.Array)
            throw new MessagePackSerializationException("Arguments are an array.");
        var bytes = new byte[attachments.Count][];
        for (var i = 0; i < bytes.Length; i++)
            bytes[i] = attachments[i].ToArray();
        return SocketArgs.FromJson(element, bytes);
    }

    /// <summary>The type of the packet object: the plain variant (socket.io's packets are plain until encoded for a client).</summary>
    private static SocketPacketType PlainType(SocketPacketType type) => type switch
    {
        SocketPacketType.BinaryEvent => SocketPacketType.Event,
        SocketPacketType.BinaryAck => SocketPacketType.Ack,
        _ => type,
    };
}

/// <summary>A packet another node sent: its data as JSON with placeholders into <see cref="Attachments"/>.</summary>
internal sealed record RemotePacket(SocketPacketType Type, string Namespace, long? Id, byte[]? Json, IReadOnlyList<ReadOnlyMemory<byte>> Attachments)
{
    /// <summary>Encodes it once for this node's clients, with <paramref name="ackId"/> when given.</summary>
    public EncodedPacket Encode(JsonPacketParser parser, long? ackId = null) =>
        parser.EncodeJson(Type, Namespace, ackId, Json ?? "[]"u8, Attachments);
}
