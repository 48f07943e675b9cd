using System.Buffers;
using System.Text.Json;

namespace TypedIo.SocketIo;

/// <summary>
/// Scratch space for encoding one packet: the JSON writer, the buffer it writes to and the attachments it
/// collects. One is cached per thread and reused; the packet's final bytes are copied out of it.
/// </summary>
internal sealed class PacketJsonBuffer
{
    private const int MaxRetainedCapacity = 64 * 1024;

    [ThreadStatic] private static PacketJsonBuffer? t_cached;

    private readonly ArrayBufferWriter<byte> _buffer = new(256);
    private Utf8JsonWriter? _writer;
    private JsonWriterOptions _writerOptions;

    /// <summary>The attachments written so far, in placeholder order.</summary>
    public List<byte[]> Attachments { get; } = [];

    /// <summary>The JSON written so far (call after flushing the writer).</summary>
    public ReadOnlySpan<byte> WrittenJson => _buffer.WrittenSpan;

    /// <summary>Takes the thread's cached buffer (a nested encode on the same thread gets a new one).</summary>
    public static PacketJsonBuffer Rent()
    {
        var buffer = t_cached;
        if (buffer is null)
            return new PacketJsonBuffer();
        t_cached = null;
        return buffer;
    }

    /// <summary>Clears <paramref name="buffer"/> and caches it for the thread unless it grew large.</summary>
    public static void Return(PacketJsonBuffer buffer)
    {
        buffer._buffer.ResetWrittenCount();
        buffer.Attachments.Clear();
        if (buffer._buffer.Capacity <= MaxRetainedCapacity)
            t_cached = buffer;
    }

    /// <summary>A writer at the start of the empty buffer.</summary>
    public Utf8JsonWriter GetWriter(JsonWriterOptions options)
    {
        // Compared with the options the writer was made with, not with writer.Options: the writer reports defaults
        // filled in (MaxDepth 0 reads back as 1000), which never matched and cost a new writer per packet.
        if (_writer is not null && SameOptions(_writerOptions, options))
        {
            _writer.Reset(_buffer);
            return _writer;
        }

        _writer = new Utf8JsonWriter(_buffer, options);
        _writerOptions = options;
        return _writer;
    }

    private static bool SameOptions(JsonWriterOptions a, JsonWriterOptions b) =>
        ReferenceEquals(a.Encoder, b.Encoder) && a.MaxDepth == b.MaxDepth && a.Indented == b.Indented
        && a.SkipValidation == b.SkipValidation && a.IndentCharacter == b.IndentCharacter && a.IndentSize == b.IndentSize
        && a.NewLine == b.NewLine;
}
