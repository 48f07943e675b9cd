using System.Buffers.Binary;

namespace TypedIo.Benchmarks.LoadGenerator;

/// <summary>
/// RFC 6455 framing for the load generator: client frames built once, already masked, and server frames read in place.
/// </summary>
/// <remarks>
/// RFC 6455 §5.3 asks for a fresh unpredictable masking key per frame so that script in a browser cannot choose the
/// bytes an intermediary sees (cache poisoning of transparent proxies). The load generator is not a browser, chooses
/// every payload itself and talks to a server on loopback, so it masks with one random key per connection: the frames
/// are still masked client frames that any server must accept, and each can be built once and sent as is (no key and no
/// XOR per message; drawing a key per frame from OpenSSL was about a tenth of the client's CPU with ClientWebSocket).
/// </remarks>
internal static class WebSocketFrames
{
    public const byte Continuation = 0x0;
    public const byte Text = 0x1;
    public const byte Binary = 0x2;
    public const byte Close = 0x8;
    public const byte Ping = 0x9;
    public const byte Pong = 0xA;

    /// <summary>A final client frame of <paramref name="opcode"/> carrying <paramref name="payload"/>, masked with <paramref name="mask"/>.</summary>
    public static byte[] Build(ReadOnlySpan<byte> payload, ReadOnlySpan<byte> mask, byte opcode = Text)
    {
        var header = HeaderLength(payload.Length);
        var frame = new byte[header + payload.Length];
        frame[0] = (byte)(0x80 | opcode);
        if (payload.Length < 126)
        {
            frame[1] = (byte)(0x80 | payload.Length);
        }
        else if (payload.Length <= ushort.MaxValue)
        {
            frame[1] = 0x80 | 126;
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), (ushort)payload.Length);
        }
        else
        {
            frame[1] = 0x80 | 127;
            BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(2), (ulong)payload.Length);
        }
        mask.CopyTo(frame.AsSpan(header - 4));
        payload.CopyTo(frame.AsSpan(header));
        Mask(frame.AsSpan(header), mask, 0);
        return frame;
    }

    /// <summary>Where the payload of a frame built by <see cref="Build"/> for <paramref name="payloadLength"/> bytes starts.</summary>
    public static int HeaderLength(int payloadLength) => (payloadLength < 126 ? 2 : payloadLength <= ushort.MaxValue ? 4 : 10) + 4;

    /// <summary>
    /// Writes <paramref name="value"/> into a built frame's payload at <paramref name="payloadOffset"/>, masked with the
    /// frame's key: how the broadcast sender changes its sequence number without rebuilding the frame.
    /// </summary>
    public static void WriteMasked(byte[] frame, int payloadOffset, ReadOnlySpan<byte> value)
    {
        var header = HeaderLengthOfFrame(frame);
        var mask = frame.AsSpan(header - 4, 4);
        for (var i = 0; i < value.Length; i++)
            frame[header + payloadOffset + i] = (byte)(value[i] ^ mask[(payloadOffset + i) & 3]);
    }

    private static int HeaderLengthOfFrame(byte[] frame) => (frame[1] & 0x7F) switch { 126 => 8, 127 => 14, _ => 6 };

    /// <summary>XORs <paramref name="data"/> with the key, <paramref name="offset"/> bytes into the payload.</summary>
    public static void Mask(Span<byte> data, ReadOnlySpan<byte> mask, int offset)
    {
        for (var i = 0; i < data.Length; i++)
            data[i] ^= mask[(offset + i) & 3];
    }

    /// <summary>
    /// Reads one frame's header from <paramref name="data"/>: false when more bytes are needed (then <paramref name="total"/>
    /// is how many the frame needs, once known, or 0). A complete masked server frame (not allowed, but harmless) is unmasked in place: read each frame once.
    /// </summary>
    public static bool TryRead(Span<byte> data, out bool final, out byte opcode, out int payloadStart, out int payloadLength, out int total)
    {
        final = false;
        opcode = 0;
        payloadStart = payloadLength = total = 0;
        if (data.Length < 2)
            return false;
        final = (data[0] & 0x80) != 0;
        opcode = (byte)(data[0] & 0x0F);
        var masked = (data[1] & 0x80) != 0;
        long length = data[1] & 0x7F;
        var header = 2;
        if (length == 126)
        {
            if (data.Length < 4)
                return false;
            length = BinaryPrimitives.ReadUInt16BigEndian(data[2..]);
            header = 4;
        }
        else if (length == 127)
        {
            if (data.Length < 10)
                return false;
            length = (long)BinaryPrimitives.ReadUInt64BigEndian(data[2..]);
            header = 10;
        }
        if (length > int.MaxValue / 2)
            throw new InvalidDataException($"a WebSocket frame of {length} bytes");
        var maskAt = header;
        if (masked)
            header += 4;
        payloadStart = header;
        payloadLength = (int)length;
        total = header + payloadLength;
        if (data.Length < total)
            return false;
        if (masked)
        {
            Span<byte> key = stackalloc byte[4];
            data.Slice(maskAt, 4).CopyTo(key);
            Mask(data.Slice(payloadStart, payloadLength), key, 0);
        }
        return true;
    }
}
