using TypedIo.EngineIo;

namespace TypedIo.SocketIo;

/// <summary>
/// The Socket.IO wire format: a decoder per connection (binary packets span several Engine.IO messages) and an
/// encoder whose output is immutable, so one encoded packet can go to any number of sockets. The default is
/// <c>JsonPacketParser</c>; a msgpack parser can take its place.
/// </summary>
public interface IPacketParser
{
    /// <summary>A decoder for one Engine.IO connection.</summary>
    IPacketDecoder CreateDecoder();

    /// <summary>Encodes an event <c>[eventName, ...args]</c>, with an ack id when one is given.</summary>
    EncodedPacket EncodeEvent(string nsp, string eventName, ReadOnlySpan<object?> args, long? ackId = null);

    /// <summary>Encodes the ack <c>[...args]</c> for the event that carried <paramref name="ackId"/>.</summary>
    EncodedPacket EncodeAck(string nsp, long ackId, ReadOnlySpan<object?> args);

    /// <summary>Encodes a CONNECT reply with <paramref name="data"/> (for example <c>{"sid":...}</c>).</summary>
    EncodedPacket EncodeConnect(string nsp, object? data);

    /// <summary>Encodes a CONNECT_ERROR with <c>{"message":...}</c> and, when given, <c>"data"</c>.</summary>
    EncodedPacket EncodeConnectError(string nsp, string message, object? data = null);

    /// <summary>Encodes a DISCONNECT.</summary>
    EncodedPacket EncodeDisconnect(string nsp);
}

/// <summary>Decodes the Engine.IO messages of one connection into Socket.IO packets.</summary>
public interface IPacketDecoder
{
    /// <summary>
    /// Feeds one message. Returns <see cref="PacketDecodeStatus.Packet"/> with the packet when one is complete,
    /// <see cref="PacketDecodeStatus.NeedMore"/> while a binary packet waits for attachments, and
    /// <see cref="PacketDecodeStatus.Error"/> with a reason for anything malformed (the connection must then
    /// be closed with reason <c>parse error</c>; the decoder is not reusable).
    /// </summary>
    PacketDecodeStatus Decode(EngineMessage message, out SocketPacket? packet, out string? error);
}

/// <summary>What <see cref="IPacketDecoder.Decode"/> produced.</summary>
public enum PacketDecodeStatus
{
    /// <summary>A complete packet.</summary>
    Packet,
    /// <summary>Part of a binary packet; more messages are expected.</summary>
    NeedMore,
    /// <summary>Malformed input.</summary>
    Error,
}

/// <summary>
/// An encoded packet: the Engine.IO frames to send, in order (the text packet, then any binary attachments).
/// Immutable; the same instance is queued to every recipient of a broadcast.
/// </summary>
/// <remarks>
/// A packet encoded by <see cref="JsonPacketParser"/> also says what it carries (<see cref="Type"/>,
/// <see cref="Namespace"/>, <see cref="AckId"/>, the JSON <see cref="Data"/> and the attachments), read from the same
/// bytes without a copy: what a multi-node adapter forwards to other servers (Node's adapters carry the packet
/// object, not its encoding).
/// </remarks>
public sealed class EncodedPacket
{
    // Compact on purpose: one per broadcast or emit. -1 means "not described" / "no ack id".
    private readonly int _dataOffset;
    private readonly long _ackId = -1;
    private readonly sbyte _type = -1;

    /// <summary>Creates a packet from frames whose content is not described (<see cref="Type"/> is null).</summary>
    public EncodedPacket(IReadOnlyList<EngineFrame> frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        Frames = frames;
        _dataOffset = -1;
    }

    /// <summary>A packet whose first frame holds the JSON data from <paramref name="dataOffset"/> on.</summary>
    internal EncodedPacket(IReadOnlyList<EngineFrame> frames, SocketPacketType type, string nsp, long? ackId, int dataOffset)
    {
        Frames = frames;
        _type = (sbyte)type;
        Namespace = nsp;
        _ackId = ackId ?? -1;
        _dataOffset = dataOffset;
    }

    /// <summary>The frames, in sending order.</summary>
    public IReadOnlyList<EngineFrame> Frames { get; }

    /// <summary>The Socket.IO packet type (<see cref="SocketPacketType.BinaryEvent"/> when it has attachments), or null when the encoder did not describe the packet.</summary>
    public SocketPacketType? Type => _type < 0 ? null : (SocketPacketType)_type;

    /// <summary>The namespace the packet is for, or null when not described.</summary>
    public string? Namespace { get; }

    /// <summary>The ack id the packet carries, if any.</summary>
    public long? AckId => _ackId < 0 ? null : _ackId;

    /// <summary>
    /// The packet's data as UTF-8 JSON (for an event, <c>["name", ...args]</c>), binary values written as placeholders
    /// <c>{"_placeholder":true,"num":n}</c> into <see cref="GetAttachment"/>; empty when there is none or the packet is
    /// not described.
    /// </summary>
    public ReadOnlyMemory<byte> Data => _dataOffset < 0 ? default : Frames[0].Bytes[_dataOffset..];

    /// <summary>How many binary attachments follow the text frame.</summary>
    public int AttachmentCount => Frames.Count - 1;

    /// <summary>The bytes of attachment <paramref name="index"/> (placeholder number <paramref name="index"/>).</summary>
    public ReadOnlyMemory<byte> GetAttachment(int index) => Frames[index + 1].Bytes;

    /// <summary>
    /// The same event with one more string argument at the end of its data: how connection state recovery gives a
    /// packet its offset (socket.io's adapters push it onto <c>packet.data</c>). Only the text frame is rebuilt, with
    /// <c>,"argument"</c> spliced in before the closing bracket; nothing is serialized again and binary attachments are
    /// shared, so a broadcast stays encoded once for all local recipients.
    /// </summary>
    /// <exception cref="InvalidOperationException">The packet is not a described event (<see cref="Type"/> is not
    /// <see cref="SocketPacketType.Event"/> or <see cref="SocketPacketType.BinaryEvent"/>, or its data is not a JSON array).</exception>
    public EncodedPacket WithAppendedArgument(string argument)
    {
        ArgumentNullException.ThrowIfNull(argument);
        if (Type is not (SocketPacketType.Event or SocketPacketType.BinaryEvent) || Data.Length < 2 || Data.Span[0] != (byte)'[' || Data.Span[^1] != (byte)']')
            throw new InvalidOperationException("Only an event whose data is a JSON array can take one more argument.");
        var text = Frames[0].Bytes.Span;
        var value = System.Text.Json.JsonEncodedText.Encode(argument, System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping).EncodedUtf8Bytes;
        var comma = Data.Length > 2 ? 1 : 0; // "[]" takes no comma
        var frame = EngineFrame.NewText(text.Length + comma + value.Length + 2, out var bytes);
        text[..^1].CopyTo(bytes);
        var at = text.Length - 1;
        if (comma == 1)
            bytes[at++] = (byte)',';
        bytes[at++] = (byte)'"';
        value.CopyTo(bytes[at..]);
        at += value.Length;
        bytes[at++] = (byte)'"';
        bytes[at] = (byte)']';
        var frames = new EngineFrame[Frames.Count];
        frames[0] = frame.WithCompress(Frames[0].Compress);
        for (var i = 1; i < frames.Length; i++)
            frames[i] = Frames[i];
        return new EncodedPacket(frames, Type.Value, Namespace!, AckId, _dataOffset);
    }

    /// <summary>The same packet marked not to be compressed by the transport (the bytes are shared).</summary>
    public EncodedPacket WithoutCompression()
    {
        var frames = new EngineFrame[Frames.Count];
        for (var i = 0; i < frames.Length; i++)
            frames[i] = Frames[i].WithCompress(false);
        return _dataOffset < 0 ? new EncodedPacket(frames) : new EncodedPacket(frames, Type!.Value, Namespace!, AckId, _dataOffset);
    }
}
