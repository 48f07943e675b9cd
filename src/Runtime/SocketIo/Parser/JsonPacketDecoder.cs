using System.Text.Json;
using System.Text.Unicode;
using TypedIo.EngineIo;

namespace TypedIo.SocketIo;

/// <summary>
/// The <see cref="JsonPacketParser"/> decoder of one connection: decodes text packets and collects the binary
/// attachments that follow a BINARY_EVENT or BINARY_ACK. Never throws for any input.
/// </summary>
internal sealed class JsonPacketDecoder : IPacketDecoder
{
    private readonly int _maxDepth;
    private readonly int _maxAttachments;
    private readonly JsonPacketParser _parser;

    // The binary packet whose attachments are being collected: made when one arrives, so that the decoder of a
    // connection that never sends binary (most of them, held for hours) stays small.
    private PendingBinary? _pending;
    private bool _failed;

    public JsonPacketDecoder(JsonPacketParserOptions options, JsonPacketParser parser)
    {
        _parser = parser;
        _maxDepth = options.MaxDepth;
        _maxAttachments = options.MaxAttachments;
    }

    /// <summary>The parser this decoder belongs to (its options read the arguments it decodes).</summary>
    public JsonPacketParser Parser => _parser;

    /// <inheritdoc />
    public PacketDecodeStatus Decode(EngineMessage message, out SocketPacket? packet, out string? error)
    {
        var status = Decode(message, out packet, out var eventHeader, out var eventArgs, out error);
        if (eventArgs is not null)
            packet = new SocketPacket { Type = eventHeader.Type, Namespace = eventHeader.Namespace, Id = eventHeader.Id, EventArgs = eventArgs };
        return status;
    }

    /// <summary>
    /// Like <see cref="Decode(EngineMessage, out SocketPacket?, out string?)"/>, but a plain EVENT or ACK (the common
    /// packets) comes back as its header and its arguments, without a <see cref="SocketPacket"/>: then
    /// <paramref name="eventArgs"/> is set and <paramref name="packet"/> is null.
    /// </summary>
    public PacketDecodeStatus Decode(EngineMessage message, out SocketPacket? packet, out PacketHeader eventHeader, out SocketArgs? eventArgs, out string? error)
    {
        packet = null;
        eventHeader = default;
        eventArgs = null;
        if (_failed)
        {
            error = "decoder already failed";
            return PacketDecodeStatus.Error;
        }

        var status = message.IsBinary
            ? DecodeAttachment(message.Data.Span, out packet, out error)
            : DecodeText(message.Data, out packet, out eventHeader, out eventArgs, out error);
        _failed = status == PacketDecodeStatus.Error;
        return status;
    }

    private PacketDecodeStatus DecodeText(ReadOnlyMemory<byte> text, out SocketPacket? packet, out PacketHeader eventHeader, out SocketArgs? eventArgs, out string? error)
    {
        packet = null;
        eventHeader = default;
        eventArgs = null;
        if (_pending is not null)
        {
            error = "text packet while binary attachments were expected";
            return PacketDecodeStatus.Error;
        }

        var span = text.Span;
        if (!Utf8.IsValid(span))
        {
            error = "invalid UTF-8";
            return PacketDecodeStatus.Error;
        }

        if (!PacketHeader.TryRead(span, _maxAttachments, out var header, out error))
            return PacketDecodeStatus.Error;

        // The common packets, a plain EVENT or ACK, keep their bytes: typed handlers and acks read their arguments from
        // them, and a JSON tree is built only if something asks for one.
        if (header.Type is SocketPacketType.Event or SocketPacketType.Ack && header.PayloadOffset < span.Length)
        {
            error = EventPayload.TryScan(span[header.PayloadOffset..], _maxDepth, out var payload, isAck: header.Type == SocketPacketType.Ack);
            if (error is not null)
                return PacketDecodeStatus.Error;
            eventHeader = header;
            eventArgs = new SocketArgs(payload, _parser);
            return PacketDecodeStatus.Packet;
        }

        JsonElement? data = null;
        if (header.PayloadOffset < span.Length)
        {
            if (!TryParseJson(text[header.PayloadOffset..], out var payload))
            {
                error = "invalid JSON payload";
                return PacketDecodeStatus.Error;
            }
            error = PayloadRules.Check(header.Type, payload);
            if (error is not null)
                return PacketDecodeStatus.Error;
            data = payload;
        }
        else if (!PayloadRules.AllowsNoPayload(header.Type))
        {
            error = "payload required";
            return PacketDecodeStatus.Error;
        }

        if (header.Type is not (SocketPacketType.BinaryEvent or SocketPacketType.BinaryAck))
        {
            packet = new SocketPacket { Type = header.Type, Namespace = header.Namespace, Id = header.Id, Data = data };
            return PacketDecodeStatus.Packet;
        }

        // Checked now rather than after the attachments arrive, so a bad packet buffers nothing.
        if (!PlaceholderValidator.AreValid(data!.Value, header.AttachmentCount))
        {
            error = "illegal attachments";
            return PacketDecodeStatus.Error;
        }

        if (header.AttachmentCount == 0)
        {
            packet = new SocketPacket { Type = header.Type, Namespace = header.Namespace, Id = header.Id, Data = data };
            return PacketDecodeStatus.Packet;
        }

        _pending = new PendingBinary(header, data, new byte[header.AttachmentCount][]);
        return PacketDecodeStatus.NeedMore;
    }

    private PacketDecodeStatus DecodeAttachment(ReadOnlySpan<byte> data, out SocketPacket? packet, out string? error)
    {
        packet = null;
        if (_pending is not { } pending)
        {
            error = "binary message without a binary packet";
            return PacketDecodeStatus.Error;
        }

        // The message memory is only valid during this call.
        pending.Attachments[pending.Received++] = data.ToArray();
        error = null;
        if (pending.Received < pending.Attachments.Length)
            return PacketDecodeStatus.NeedMore;

        packet = new SocketPacket
        {
            Type = pending.Header.Type,
            Namespace = pending.Header.Namespace,
            Id = pending.Header.Id,
            Data = pending.Data,
            Attachments = pending.Attachments,
        };
        _pending = null;
        return PacketDecodeStatus.Packet;
    }

    private bool TryParseJson(ReadOnlyMemory<byte> json, out JsonElement element)
    {
        try
        {
            // Parse does not copy the message memory; Clone gives the packet JSON of its own.
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = _maxDepth });
            element = document.RootElement.Clone();
            return true;
        }
        catch (JsonException)
        {
            element = default;
            return false;
        }
    }

    /// <summary>A BINARY_EVENT or BINARY_ACK waiting for its attachments.</summary>
    private sealed class PendingBinary(PacketHeader header, JsonElement? data, byte[][] attachments)
    {
        public PacketHeader Header { get; } = header;

        public JsonElement? Data { get; } = data;

        public byte[][] Attachments { get; } = attachments;

        public int Received { get; set; }
    }
}
