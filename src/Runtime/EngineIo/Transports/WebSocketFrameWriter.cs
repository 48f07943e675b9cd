using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace TypedIo.EngineIo;

/// <summary>
/// Writes a session's queued data frames straight to the connection's <see cref="FrameCheckingStream"/>, in place of
/// the WebSocket's own send (which copies every frame into its send buffer and writes, and so flushes, each one alone):
/// <list type="bullet">
/// <item>the frames queued when the drain looks go out together, headers included, in one write and one flush (a batch
/// holds up to <see cref="BatchBytes"/>; a larger frame goes alone), so a backlog costs one send call, not one per
/// frame;</item>
/// <item>a frame alone that was made with its header (<see cref="EngineFrame.WebSocketFrame"/>: every text packet the
/// server encodes, so every recipient of a broadcast) is handed over as it is: the same array for every recipient,
/// copied only by Kestrel into its output;</item>
/// <item>any other frame alone (a binary attachment) is copied once behind its header, as the WebSocket would.</item>
/// </list>
/// Frames are RFC 6455 5.2 server frames: FIN, no RSV bit (no extension is negotiated), opcode 1 (text) or 2
/// (binary), unmasked, a 7-, 16- or 64-bit length. Stateless: a connection pays nothing for it while idle.
/// </summary>
internal static class WebSocketFrameWriter
{
    /// <summary>The most one write of several frames holds (the pooled buffer's size).</summary>
    internal const int BatchBytes = 64 * 1024;

    /// <summary>The length of a server frame's header for a payload of <paramref name="payloadLength"/> bytes.</summary>
    public static int HeaderLength(int payloadLength) =>
        payloadLength < 126 ? 2 : payloadLength <= ushort.MaxValue ? 4 : 10;

    /// <summary>Writes a server frame's header (FIN, text or binary, unmasked) and returns its length.</summary>
    public static int WriteHeader(Span<byte> destination, bool binary, int payloadLength) =>
        WriteHeader(destination, binary ? 0x2 : 0x1, payloadLength);

    /// <summary>
    /// A whole server frame (FIN, <paramref name="opcode"/>, unmasked) carrying <paramref name="payload"/>: the probe
    /// answer, a pong, a close frame (a control frame's payload is at most 125 bytes).
    /// </summary>
    public static byte[] Frame(int opcode, ReadOnlySpan<byte> payload)
    {
        var frame = new byte[HeaderLength(payload.Length) + payload.Length];
        var header = WriteHeader(frame, opcode, payload.Length);
        payload.CopyTo(frame.AsSpan(header));
        return frame;
    }

    private static int WriteHeader(Span<byte> destination, int opcode, int payloadLength)
    {
        destination[0] = (byte)(0x80 | opcode);
        if (payloadLength < 126)
        {
            destination[1] = (byte)payloadLength;
            return 2;
        }
        if (payloadLength <= ushort.MaxValue)
        {
            destination[1] = 126;
            BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)payloadLength);
            return 4;
        }
        destination[1] = 127;
        BinaryPrimitives.WriteUInt64BigEndian(destination[2..], (ulong)payloadLength);
        return 10;
    }

    /// <summary>
    /// Writes <paramref name="first"/> (already taken from <paramref name="queue"/>) and the frames queued behind it, as
    /// many as fit in one batch, in one write. <paramref name="payloadBytes"/> is what the frames carry, headers not
    /// counted. Once any close frame has gone out on the connection, nothing is written. Only the queue's one reader
    /// (the transport's drain) calls it.
    /// </summary>
    public static ValueTask WriteAsync(FrameCheckingStream stream, EngineFrame first, OutboundQueue queue, out long payloadBytes)
    {
        var used = FramedLength(first);
        payloadBytes = first.Bytes.Length;
        if (!queue.TryPeek(out var next) || used + FramedLength(next) > BatchBytes)
        {
            var framed = first.WebSocketFrame;
            return framed.IsEmpty ? WriteCopy(stream, first, used) : stream.WriteFramesAsync(framed);
        }

        var buffer = ArrayPool<byte>.Shared.Rent(BatchBytes);
        used = CopyFrame(first, buffer);
        do
        {
            if (!queue.TryRead(out next)) // the frame just peeked
                break;
            used += CopyFrame(next, buffer.AsSpan(used));
            payloadBytes += next.Bytes.Length;
        }
        while (queue.TryPeek(out next) && FramedLength(next) <= buffer.Length - used);
        return WriteAndReturn(stream, buffer, used);
    }

    private static ValueTask WriteCopy(FrameCheckingStream stream, EngineFrame frame, int framedLength)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(framedLength);
        return WriteAndReturn(stream, buffer, CopyFrame(frame, buffer));
    }

    private static int FramedLength(EngineFrame frame)
    {
        var framed = frame.WebSocketFrame;
        return framed.IsEmpty ? HeaderLength(frame.Bytes.Length) + frame.Bytes.Length : framed.Length;
    }

    private static int CopyFrame(EngineFrame frame, Span<byte> destination)
    {
        var framed = frame.WebSocketFrame;
        if (!framed.IsEmpty)
        {
            framed.Span.CopyTo(destination);
            return framed.Length;
        }
        var payload = frame.Bytes.Span;
        var header = WriteHeader(destination, frame.IsBinary, payload.Length);
        payload.CopyTo(destination[header..]);
        return header + payload.Length;
    }

    /// <summary>Writes the first <paramref name="count"/> bytes of a pooled buffer and returns it once the write is done.</summary>
    private static ValueTask WriteAndReturn(FrameCheckingStream stream, byte[] buffer, int count)
    {
        ValueTask write;
        try
        {
            write = stream.WriteFramesAsync(buffer.AsMemory(0, count));
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
        if (!write.IsCompleted)
            return ReturnAfterAsync(write, buffer);
        ArrayPool<byte>.Shared.Return(buffer);
        return write;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private static async ValueTask ReturnAfterAsync(ValueTask write, byte[] buffer)
    {
        try
        {
            await write.ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
