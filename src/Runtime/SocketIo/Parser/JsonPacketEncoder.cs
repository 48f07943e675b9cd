using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TypedIo.EngineIo;

namespace TypedIo.SocketIo;

/// <summary>
/// Encodes Socket.IO packets for <see cref="JsonPacketParser"/>: the JSON is written first (which reveals the
/// attachments), then the header and the JSON are copied into one array that becomes the text frame.
/// </summary>
internal sealed class JsonPacketEncoder(JsonSerializerOptions serializerOptions, JsonWriterOptions writerOptions)
{
    public EncodedPacket EncodeEvent(string nsp, string eventName, ReadOnlySpan<object?> args, long? ackId)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        return EncodeArray(nsp, ackId, eventName, args, SocketPacketType.Event, SocketPacketType.BinaryEvent);
    }

    public EncodedPacket EncodeAck(string nsp, long ackId, ReadOnlySpan<object?> args) =>
        EncodeArray(nsp, ackId, eventName: null, args, SocketPacketType.Ack, SocketPacketType.BinaryAck);

    /// <summary>
    /// Like <see cref="EncodeEvent(string, string, ReadOnlySpan{object?}, long?)"/> for one socket's queue: a packet without attachments comes back as its one text
    /// frame in <paramref name="frame"/> and the result is null (no frame list and no <see cref="EncodedPacket"/>).
    /// </summary>
    public EncodedPacket? EncodeEventFrame(string nsp, string eventName, ReadOnlySpan<object?> args, long? ackId, out EngineFrame frame)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        return EncodeArray(nsp, ackId, eventName, args, SocketPacketType.Event, SocketPacketType.BinaryEvent, singleFrame: true, out frame);
    }

    /// <summary>Like <see cref="EncodeAck"/>, with <see cref="EncodeEventFrame(string, string, ReadOnlySpan{object?}, long?, out EngineFrame)"/>'s single frame.</summary>
    public EncodedPacket? EncodeAckFrame(string nsp, long ackId, ReadOnlySpan<object?> args, out EngineFrame frame) =>
        EncodeArray(nsp, ackId, eventName: null, args, SocketPacketType.Ack, SocketPacketType.BinaryAck, singleFrame: true, out frame);

    /// <summary>An event whose arguments are received ones, relayed as they came (see <see cref="WriteRelayed"/>).</summary>
    public EncodedPacket EncodeEvent(string nsp, string eventName, SocketArgs relayed, long? ackId)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        return EncodeArray(nsp, ackId, eventName, default, relayed, SocketPacketType.Event, SocketPacketType.BinaryEvent, singleFrame: false, out _)!;
    }

    /// <summary><see cref="EncodeEventFrame(string, string, ReadOnlySpan{object?}, long?, out EngineFrame)"/> of received arguments.</summary>
    public EncodedPacket? EncodeEventFrame(string nsp, string eventName, SocketArgs relayed, long? ackId, out EngineFrame frame)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        return EncodeArray(nsp, ackId, eventName, default, relayed, SocketPacketType.Event, SocketPacketType.BinaryEvent, singleFrame: true, out frame);
    }

    /// <summary><see cref="EncodeAckFrame(string, long, ReadOnlySpan{object?}, out EngineFrame)"/> of received arguments.</summary>
    public EncodedPacket? EncodeAckFrame(string nsp, long ackId, SocketArgs relayed, out EngineFrame frame) =>
        EncodeArray(nsp, ackId, eventName: null, default, relayed, SocketPacketType.Ack, SocketPacketType.BinaryAck, singleFrame: true, out frame);

    private EncodedPacket EncodeArray(string nsp, long? ackId, string? eventName, ReadOnlySpan<object?> args, SocketPacketType plain, SocketPacketType binary) =>
        EncodeArray(nsp, ackId, eventName, args, relayed: null, plain, binary, singleFrame: false, out _)!;

    private EncodedPacket? EncodeArray(string nsp, long? ackId, string? eventName, ReadOnlySpan<object?> args, SocketPacketType plain, SocketPacketType binary, bool singleFrame, out EngineFrame frame) =>
        EncodeArray(nsp, ackId, eventName, args, relayed: null, plain, binary, singleFrame, out frame);

    /// <summary>
    /// An event (<c>[name, ...args]</c>) or an ack (<c>[...args]</c>); binary when any argument holds bytes. The
    /// arguments are <paramref name="args"/>, or the received <paramref name="relayed"/> when given. With
    /// <paramref name="singleFrame"/>, a packet without attachments is returned as its frame alone (the result is null).
    /// </summary>
    private EncodedPacket? EncodeArray(string nsp, long? ackId, string? eventName, ReadOnlySpan<object?> args, SocketArgs? relayed, SocketPacketType plain, SocketPacketType binary, bool singleFrame, out EngineFrame frame)
    {
        CheckNamespace(nsp);
        if (ackId is { } id)
            CheckAckId(id);

        var buffer = PacketJsonBuffer.Rent();
        try
        {
            var writer = buffer.GetWriter(writerOptions);
            using (AttachmentContext.Collect(buffer.Attachments))
            {
                writer.WriteStartArray();
                if (eventName is not null)
                    writer.WriteStringValue(eventName);
                if (relayed is null)
                    WriteValues(writer, args);
                else
                    WriteRelayed(writer, relayed);
                writer.WriteEndArray();
                writer.Flush();
            }
            if (singleFrame && buffer.Attachments.Count == 0)
            {
                frame = BuildText(plain, 0, nsp, ackId, buffer.WrittenJson, out _);
                return null;
            }
            frame = default;
            return Build(buffer.Attachments.Count == 0 ? plain : binary, nsp, ackId, buffer);
        }
        finally
        {
            PacketJsonBuffer.Return(buffer);
        }
    }

    public EncodedPacket EncodeConnect(string nsp, object? data)
    {
        CheckNamespace(nsp);
        if (data is null)
            return Single(SocketPacketType.Connect, nsp, default);

        var buffer = PacketJsonBuffer.Rent();
        try
        {
            var writer = buffer.GetWriter(writerOptions);
            using (AttachmentContext.Collect(null))
            {
                WriteValue(writer, data);
                writer.Flush();
            }
            return Single(SocketPacketType.Connect, nsp, buffer.WrittenJson);
        }
        finally
        {
            PacketJsonBuffer.Return(buffer);
        }
    }

    public EncodedPacket EncodeConnectError(string nsp, string message, object? data)
    {
        CheckNamespace(nsp);
        ArgumentNullException.ThrowIfNull(message);

        var buffer = PacketJsonBuffer.Rent();
        try
        {
            var writer = buffer.GetWriter(writerOptions);
            using (AttachmentContext.Collect(null))
            {
                writer.WriteStartObject();
                writer.WriteString("message"u8, message);
                if (data is not null)
                {
                    writer.WritePropertyName("data"u8);
                    WriteValue(writer, data);
                }
                writer.WriteEndObject();
                writer.Flush();
            }
            return Single(SocketPacketType.ConnectError, nsp, buffer.WrittenJson);
        }
        finally
        {
            PacketJsonBuffer.Return(buffer);
        }
    }

    public EncodedPacket EncodeDisconnect(string nsp)
    {
        CheckNamespace(nsp);
        return Single(SocketPacketType.Disconnect, nsp, default);
    }

    private void WriteValues(Utf8JsonWriter writer, ReadOnlySpan<object?> values)
    {
        foreach (var value in values)
            WriteValue(writer, value);
    }

    /// <summary>
    /// Writes received arguments as they came. Without attachments, their JSON text is copied (from the received bytes
    /// when they are kept: no tree is made); with attachments, each argument goes through its node, so the binary
    /// values become attachments of this packet, numbered in the order they are written (what
    /// <see cref="SocketArgs.ToEmitArgs"/> gives, emitted: the same bytes).
    /// </summary>
    private void WriteRelayed(Utf8JsonWriter writer, SocketArgs relayed)
    {
        if (relayed.Attachments.Count == 0)
        {
            relayed.WriteJsonValues(writer);
            return;
        }
        for (var i = 0; i < relayed.Count; i++)
            WriteNode(writer, relayed.GetNode(i));
    }

    private void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonElement element:
                RawJson.Write(writer, element);
                break;
            case JsonDocument document:
                RawJson.Write(writer, document.RootElement);
                break;
            case JsonNode node:
                WriteNode(writer, node);
                break;
            default:
                JsonSerializer.Serialize(writer, value, serializerOptions.GetTypeInfo(value.GetType()));
                break;
        }
    }

    /// <summary>
    /// Writes a node tree; the JSON values it holds from a received packet are copied as they came (see
    /// <see cref="RawJson"/>), other values go through the options, so binary values become placeholders.
    /// </summary>
    private void WriteNode(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (name, child) in obj)
                {
                    writer.WritePropertyName(name);
                    WriteNode(writer, child);
                }
                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array)
                    WriteNode(writer, item);
                writer.WriteEndArray();
                break;
            case JsonValue leaf when leaf.TryGetValue<JsonElement>(out var element):
                RawJson.Write(writer, element);
                break;
            default:
                node.WriteTo(writer, serializerOptions);
                break;
        }
    }

    private static EncodedPacket Build(SocketPacketType type, string nsp, long? ackId, PacketJsonBuffer buffer)
    {
        var attachments = buffer.Attachments;
        var frames = new EngineFrame[1 + attachments.Count];
        frames[0] = BuildText(type, attachments.Count, nsp, ackId, buffer.WrittenJson, out var dataOffset);
        for (var i = 0; i < attachments.Count; i++)
            frames[i + 1] = EngineFrame.Binary(attachments[i]);
        return new EncodedPacket(frames, type, nsp, ackId, dataOffset);
    }

    /// <summary>
    /// A packet from JSON written elsewhere (an adapter's packet from another node): binary values already are
    /// placeholders numbered in the order of <paramref name="attachments"/>, which are not copied.
    /// </summary>
    public static EncodedPacket FromJson(SocketPacketType type, string nsp, long? ackId, ReadOnlySpan<byte> json, IReadOnlyList<ReadOnlyMemory<byte>> attachments)
    {
        CheckNamespace(nsp);
        if (ackId is { } id)
            CheckAckId(id);
        if (attachments.Count > 0)
            type = type switch
            {
                SocketPacketType.Event => SocketPacketType.BinaryEvent,
                SocketPacketType.Ack => SocketPacketType.BinaryAck,
                _ => type,
            };
        else
            type = type switch
            {
                SocketPacketType.BinaryEvent => SocketPacketType.Event,
                SocketPacketType.BinaryAck => SocketPacketType.Ack,
                _ => type,
            };
        var frames = new EngineFrame[1 + attachments.Count];
        frames[0] = BuildText(type, attachments.Count, nsp, ackId, json, out var dataOffset);
        for (var i = 0; i < attachments.Count; i++)
            frames[i + 1] = EngineFrame.Binary(attachments[i]);
        return new EncodedPacket(frames, type, nsp, ackId, dataOffset);
    }

    private static EncodedPacket Single(SocketPacketType type, string nsp, ReadOnlySpan<byte> json) =>
        new([BuildText(type, 0, nsp, null, json, out var dataOffset)], type, nsp, null, dataOffset);

    private static EngineFrame BuildText(SocketPacketType type, int attachmentCount, string nsp, long? ackId, ReadOnlySpan<byte> json, out int dataOffset)
    {
        var isBinary = type is SocketPacketType.BinaryEvent or SocketPacketType.BinaryAck;
        var hasNamespace = nsp != PacketHeader.DefaultNamespace;
        var length = 2
            + (isBinary ? CountDigits(attachmentCount) + 1 : 0)
            + (hasNamespace ? Encoding.UTF8.GetByteCount(nsp) + 1 : 0)
            + (ackId is { } id ? CountDigits(id) : 0)
            + json.Length;

        // The WebSocket frame header goes in front, in the same array: a broadcast is framed once for all recipients.
        var frame = EngineFrame.NewText(length, out var bytes);
        bytes[0] = (byte)'4'; // Engine.IO message
        bytes[1] = (byte)('0' + (int)type);
        var position = 2;
        if (isBinary)
        {
            attachmentCount.TryFormat(bytes[position..], out var written, default, CultureInfo.InvariantCulture);
            position += written;
            bytes[position++] = (byte)'-';
        }
        if (hasNamespace)
        {
            position += Encoding.UTF8.GetBytes(nsp, bytes[position..]);
            bytes[position++] = (byte)',';
        }
        if (ackId is { } ack)
        {
            ack.TryFormat(bytes[position..], out var written, default, CultureInfo.InvariantCulture);
            position += written;
        }
        json.CopyTo(bytes[position..]);
        dataOffset = position;
        return frame;
    }

    private static int CountDigits(long value)
    {
        var digits = 1;
        while (value >= 10)
        {
            value /= 10;
            digits++;
        }
        return digits;
    }

    private static void CheckNamespace(string nsp)
    {
        ArgumentNullException.ThrowIfNull(nsp);
        if (nsp.Length == 0 || nsp[0] != '/' || nsp.Contains(','))
            throw new ArgumentException("A namespace starts with '/' and contains no ','.", nameof(nsp));
    }

    private static void CheckAckId(long ackId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ackId);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ackId, PacketHeader.MaxAckId);
    }
}
