using System.Buffers;
using System.Buffers.Text;

namespace TypedIo.EngineIo;

/// <summary>One decoded incoming packet: its type and where its data lies in the source.</summary>
internal readonly record struct DecodedPacket(EnginePacketType Type, int DataOffset, bool IsBase64Binary);

/// <summary>Decodes single Engine.IO v4 text packets (a WebSocket text frame or one polling payload segment).</summary>
internal static class EnginePacketDecoder
{
    /// <summary>
    /// Decodes a text packet. <c>b</c> + base64 is a binary message (its data still base64, from
    /// <see cref="DecodedPacket.DataOffset"/>). Returns false for an empty packet or an unknown type.
    /// </summary>
    public static bool TryDecodeText(ReadOnlySpan<byte> packet, out DecodedPacket decoded)
    {
        decoded = default;
        if (packet.IsEmpty)
            return false;

        var first = packet[0];
        if (first == (byte)'b')
        {
            decoded = new DecodedPacket(EnginePacketType.Message, 1, IsBase64Binary: true);
            return true;
        }

        if (first is < (byte)'0' or > (byte)'6')
            return false;

        decoded = new DecodedPacket((EnginePacketType)(first - '0'), 1, IsBase64Binary: false);
        return true;
    }

    /// <summary>
    /// Decodes base64 (padding required, as engine.io-client writes it) into a buffer rented from the shared pool.
    /// The caller returns <paramref name="rented"/>. Returns false when the text is not valid base64.
    /// </summary>
    public static bool TryDecodeBase64(ReadOnlySpan<byte> base64, out byte[] rented, out int length)
    {
        rented = ArrayPool<byte>.Shared.Rent(Math.Max(1, Base64.GetMaxDecodedFromUtf8Length(base64.Length)));
        var status = Base64.DecodeFromUtf8(base64, rented, out _, out length);
        if (status == OperationStatus.Done)
            return true;

        ArrayPool<byte>.Shared.Return(rented);
        rented = [];
        length = 0;
        return false;
    }
}
