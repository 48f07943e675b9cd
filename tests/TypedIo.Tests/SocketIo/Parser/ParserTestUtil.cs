using System.Text;
using TypedIo.EngineIo;
using TypedIo.SocketIo;

namespace TypedIo.Tests.SocketIo.Parser;

/// <summary>Helpers shared by the Socket.IO parser tests.</summary>
internal static class ParserTestUtil
{
    public static EngineMessage TextMessage(string socketIoPacket) => new(Encoding.UTF8.GetBytes(socketIoPacket), false);

    public static EngineMessage BinaryMessage(params byte[] data) => new(data, true);

    /// <summary>Decodes one text packet with a fresh decoder.</summary>
    public static PacketDecodeStatus DecodeText(string socketIoPacket, out SocketPacket? packet, out string? error,
        JsonPacketParserOptions? options = null) =>
        new JsonPacketParser(options: options).CreateDecoder().Decode(TextMessage(socketIoPacket), out packet, out error);

    /// <summary>Decodes a text packet that must be valid.</summary>
    public static SocketPacket Decode(string socketIoPacket)
    {
        var status = DecodeText(socketIoPacket, out var packet, out var error);
        Assert.True(status == PacketDecodeStatus.Packet, $"'{socketIoPacket}' gave {status}: {error}");
        return packet!;
    }

    /// <summary>Asserts that a text packet is a parse error.</summary>
    public static string DecodeError(string socketIoPacket, JsonPacketParserOptions? options = null)
    {
        var status = DecodeText(socketIoPacket, out var packet, out var error, options);
        Assert.Equal(PacketDecodeStatus.Error, status);
        Assert.Null(packet);
        Assert.False(string.IsNullOrEmpty(error));
        return error!;
    }

    /// <summary>Feeds all frames of an encoded packet to a new decoder, stripping the Engine.IO '4' from text.</summary>
    public static SocketPacket DecodeFrames(EncodedPacket encoded, JsonPacketParser? parser = null)
    {
        var decoder = (parser ?? new JsonPacketParser()).CreateDecoder();
        SocketPacket? packet = null;
        for (var i = 0; i < encoded.Frames.Count; i++)
        {
            var frame = encoded.Frames[i];
            var message = frame.IsBinary
                ? new EngineMessage(frame.Bytes, true)
                : new EngineMessage(frame.Bytes[1..], false);
            var status = decoder.Decode(message, out packet, out var error);
            var expected = i == encoded.Frames.Count - 1 ? PacketDecodeStatus.Packet : PacketDecodeStatus.NeedMore;
            Assert.True(status == expected, $"frame {i} gave {status}: {error}");
        }
        return packet!;
    }

    /// <summary>The text frame as a string, Engine.IO type digit included.</summary>
    public static string Text(EncodedPacket encoded)
    {
        Assert.False(encoded.Frames[0].IsBinary);
        return Encoding.UTF8.GetString(encoded.Frames[0].Bytes.Span);
    }

    /// <summary>The binary frames' bytes, in order.</summary>
    public static byte[][] Attachments(EncodedPacket encoded)
    {
        var result = new byte[encoded.Frames.Count - 1][];
        for (var i = 1; i < encoded.Frames.Count; i++)
        {
            Assert.True(encoded.Frames[i].IsBinary);
            result[i - 1] = encoded.Frames[i].Bytes.ToArray();
        }
        return result;
    }

    public static string Raw(SocketPacket packet) => packet.Data?.GetRawText() ?? "";
}
