using System.Text;

namespace TypedIo.EngineIo;

/// <summary>
/// One outgoing Engine.IO packet, already encoded. A text frame holds the whole packet as UTF-8, type digit
/// included (<c>4hello</c>); a binary frame holds the raw message bytes. Frames are immutable, so one frame can be
/// queued to any number of sessions: a broadcast is encoded once.
/// </summary>
public readonly struct EngineFrame
{
    private readonly bool _noCompression;

    private EngineFrame(ReadOnlyMemory<byte> bytes, bool isBinary, bool noCompression = false)
    {
        Bytes = bytes;
        IsBinary = isBinary;
        _noCompression = noCompression;
    }

    /// <summary>The encoded packet (text) or the raw data (binary).</summary>
    public ReadOnlyMemory<byte> Bytes { get; }

    /// <summary>Whether this is a binary message.</summary>
    public bool IsBinary { get; }

    /// <summary>
    /// Whether the transport may compress this packet (default true). A long-polling response is compressed when
    /// any of its packets allows it, as in Node's engine.io.
    /// </summary>
    public bool Compress => !_noCompression;

    /// <summary>The same frame with <see cref="Compress"/> set to <paramref name="compress"/> (the bytes are shared).</summary>
    public EngineFrame WithCompress(bool compress) => new(Bytes, IsBinary, !compress);

    internal bool IsDefault => Bytes.IsEmpty && !IsBinary;

    internal static readonly EngineFrame CloseFrame = Control(EnginePacketType.Close);
    internal static readonly EngineFrame PingFrame = Control(EnginePacketType.Ping);
    internal static readonly EngineFrame NoopFrame = Control(EnginePacketType.Noop);
    internal static readonly EngineFrame ProbePongFrame = new("3probe"u8.ToArray(), false);

    /// <summary>A text message packet (<c>4</c> + text).</summary>
    public static EngineFrame Message(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = new byte[1 + Encoding.UTF8.GetByteCount(text)];
        bytes[0] = (byte)'4';
        Encoding.UTF8.GetBytes(text, bytes.AsSpan(1));
        return new EngineFrame(bytes, false);
    }

    /// <summary>A text message packet from UTF-8 text (copied).</summary>
    public static EngineFrame Message(ReadOnlySpan<byte> utf8Text)
    {
        var bytes = new byte[1 + utf8Text.Length];
        bytes[0] = (byte)'4';
        utf8Text.CopyTo(bytes.AsSpan(1));
        return new EngineFrame(bytes, false);
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

    internal static EngineFrame Control(EnginePacketType type) => new(new[] { (byte)('0' + (int)type) }, false);

    internal static EngineFrame Text(byte[] encodedPacket) => new(encodedPacket, false);

    /// <inheritdoc />
    public override string ToString() =>
        IsBinary ? $"<binary {Bytes.Length} bytes>" : Encoding.UTF8.GetString(Bytes.Span);
}
