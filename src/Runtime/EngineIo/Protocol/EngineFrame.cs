using System.Text;

namespace TypedIo.EngineIo;

/// <summary>
/// One outgoing Engine.IO packet, already encoded. A text frame holds the whole packet as UTF-8, type digit
/// included (<c>4hello</c>); a binary frame holds the raw message bytes. Frames are immutable, so one frame can be
/// queued to any number of sessions: a broadcast is encoded once.
/// <para>
/// The text frames the server encodes itself carry their WebSocket frame header in front of the packet, in the same
/// array (<see cref="WebSocketFrame"/>): a WebSocket hands a broadcast's one array to every recipient's connection as it
/// is, with no copy and no framing per recipient.
/// </para>
/// </summary>
public readonly struct EngineFrame
{
    // The WebSocket frame when _headerLength > 0 (header, then the packet), else the packet alone.
    private readonly ReadOnlyMemory<byte> _memory;
    private readonly byte _headerLength;
    private readonly bool _noCompression;

    private EngineFrame(ReadOnlyMemory<byte> memory, bool isBinary, bool noCompression = false, byte headerLength = 0)
    {
        _memory = memory;
        IsBinary = isBinary;
        _noCompression = noCompression;
        _headerLength = headerLength;
    }

    /// <summary>The encoded packet (text) or the raw data (binary).</summary>
    public ReadOnlyMemory<byte> Bytes => _memory[_headerLength..];

    /// <summary>
    /// The whole WebSocket frame, header and <see cref="Bytes"/> in one piece of memory (RFC 6455 5.2: FIN, text,
    /// unmasked, no extension), when the frame was made with its header; else empty.
    /// </summary>
    internal ReadOnlyMemory<byte> WebSocketFrame => _headerLength == 0 ? default : _memory;

    /// <summary>Whether this is a binary message.</summary>
    public bool IsBinary { get; }

    /// <summary>
    /// Whether the transport may compress this packet (default true). A long-polling response is compressed when
    /// any of its packets allows it, as in Node's engine.io.
    /// </summary>
    public bool Compress => !_noCompression;

    /// <summary>The same frame with <see cref="Compress"/> set to <paramref name="compress"/> (the bytes are shared).</summary>
    public EngineFrame WithCompress(bool compress) => new(_memory, IsBinary, !compress, _headerLength);

    internal bool IsDefault => Bytes.IsEmpty && !IsBinary;

    internal static readonly EngineFrame CloseFrame = Control(EnginePacketType.Close);
    internal static readonly EngineFrame PingFrame = Control(EnginePacketType.Ping);
    internal static readonly EngineFrame NoopFrame = Control(EnginePacketType.Noop);
    internal static readonly EngineFrame ProbePongFrame = new("3probe"u8.ToArray(), false);

    /// <summary>A text message packet (<c>4</c> + text).</summary>
    public static EngineFrame Message(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var frame = NewText(1 + Encoding.UTF8.GetByteCount(text), out var bytes);
        bytes[0] = (byte)'4';
        Encoding.UTF8.GetBytes(text, bytes[1..]);
        return frame;
    }

    /// <summary>A text message packet from UTF-8 text (copied).</summary>
    public static EngineFrame Message(ReadOnlySpan<byte> utf8Text)
    {
        var frame = NewText(1 + utf8Text.Length, out var bytes);
        bytes[0] = (byte)'4';
        utf8Text.CopyTo(bytes[1..]);
        return frame;
    }

    /// <summary>
    /// A text packet that is already encoded, type digit included (for example <c>42["event"]</c> written by an
    /// upper layer straight into one buffer). The memory is not copied and must not change afterwards.
    /// </summary>
    public static EngineFrame FromEncodedText(ReadOnlyMemory<byte> encodedPacket)
    {
        if (encodedPacket.IsEmpty || encodedPacket.Span[0] is < (byte)'0' or > (byte)'6')
            throw new ArgumentException("An encoded packet starts with its type digit.", nameof(encodedPacket));
        return new EngineFrame(encodedPacket, false);
    }

    /// <summary>A binary message. The memory is not copied and must not change afterwards.</summary>
    public static EngineFrame Binary(ReadOnlyMemory<byte> data) => new(data, true);

    internal static EngineFrame Control(EnginePacketType type)
    {
        var frame = NewText(1, out var bytes);
        bytes[0] = (byte)('0' + (int)type);
        return frame;
    }

    /// <summary>
    /// A text frame of <paramref name="packetLength"/> bytes, its WebSocket header already written in front of them;
    /// the caller writes the encoded packet into <paramref name="packet"/> before the frame is queued anywhere.
    /// </summary>
    internal static EngineFrame NewText(int packetLength, out Span<byte> packet)
    {
        var headerLength = WebSocketFrameWriter.HeaderLength(packetLength);
        var bytes = new byte[headerLength + packetLength];
        WebSocketFrameWriter.WriteHeader(bytes, binary: false, packetLength);
        packet = bytes.AsSpan(headerLength);
        return new EngineFrame(bytes, false, headerLength: (byte)headerLength);
    }

    /// <inheritdoc />
    public override string ToString() =>
        IsBinary ? $"<binary {Bytes.Length} bytes>" : Encoding.UTF8.GetString(Bytes.Span);
}
