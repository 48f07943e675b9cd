using System.Buffers;
using System.Buffers.Text;

namespace TypedIo.EngineIo;

/// <summary>
/// The HTTP long-polling payload of Engine.IO v4: packets joined by the record separator (0x1E), binary packets
/// as <c>b</c> + base64.
/// </summary>
internal static class PollingPayload
{
    public const byte Separator = 0x1E;

    /// <summary>The encoded length of <paramref name="frames"/> as one payload.</summary>
    public static int GetEncodedLength(ReadOnlySpan<EngineFrame> frames)
    {
        var length = 0;
        for (var i = 0; i < frames.Length; i++)
        {
            if (i > 0) length++;
            length += GetEncodedLength(frames[i]);
        }
        return length;
    }

    /// <summary>Writes <paramref name="frames"/> as one payload.</summary>
    public static void Write(ReadOnlySpan<EngineFrame> frames, IBufferWriter<byte> writer)
    {
        for (var i = 0; i < frames.Length; i++)
        {
            var frame = frames[i];
            var length = GetEncodedLength(frame) + (i > 0 ? 1 : 0);
            var span = writer.GetSpan(length);
            var offset = 0;
            if (i > 0) span[offset++] = Separator;
            if (frame.IsBinary)
            {
                span[offset++] = (byte)'b';
                Base64.EncodeToUtf8(frame.Bytes.Span, span[offset..], out _, out var written);
                offset += written;
            }
            else
            {
                frame.Bytes.Span.CopyTo(span[offset..]);
                offset += frame.Bytes.Length;
            }
            writer.Advance(offset);
        }
    }

    /// <summary>
    /// Splits a payload into its packets. Returns the number found; <paramref name="ranges"/> receives each
    /// packet's range (grown from the pool when needed; the caller returns it).
    /// </summary>
    public static int Split(ReadOnlySpan<byte> payload, ref Range[] ranges)
    {
        var count = 0;
        var start = 0;
        while (true)
        {
            var index = payload[start..].IndexOf(Separator);
            var end = index < 0 ? payload.Length : start + index;
            if (count == ranges.Length)
            {
                var bigger = ArrayPool<Range>.Shared.Rent(ranges.Length * 2);
                ranges.AsSpan().CopyTo(bigger);
                ArrayPool<Range>.Shared.Return(ranges);
                ranges = bigger;
            }
            ranges[count++] = new Range(start, end);
            if (index < 0)
                return count;
            start = end + 1;
        }
    }

    private static int GetEncodedLength(EngineFrame frame) =>
        frame.IsBinary ? 1 + Base64.GetMaxEncodedToUtf8Length(frame.Bytes.Length) : frame.Bytes.Length;
}
