using System.Text;
using TypedIo.EngineIo;

namespace TypedIo.Tests.EngineIo;

public sealed class PacketCodecTests
{
    [Theory]
    [InlineData("0", EnginePacketType.Open)]
    [InlineData("1", EnginePacketType.Close)]
    [InlineData("2", EnginePacketType.Ping)]
    [InlineData("2probe", EnginePacketType.Ping)]
    [InlineData("3", EnginePacketType.Pong)]
    [InlineData("3probe", EnginePacketType.Pong)]
    [InlineData("4hello", EnginePacketType.Message)]
    [InlineData("4", EnginePacketType.Message)]
    [InlineData("5", EnginePacketType.Upgrade)]
    [InlineData("6", EnginePacketType.Noop)]
    public void Decodes_every_type_digit(string packet, EnginePacketType expected)
    {
        Assert.True(EnginePacketDecoder.TryDecodeText(Encoding.UTF8.GetBytes(packet), out var decoded));
        Assert.Equal(expected, decoded.Type);
        Assert.Equal(1, decoded.DataOffset);
        Assert.False(decoded.IsBase64Binary);
    }

    [Fact]
    public void Message_data_starts_after_the_type_digit()
    {
        var bytes = Encoding.UTF8.GetBytes("4héllo");
        Assert.True(EnginePacketDecoder.TryDecodeText(bytes, out var decoded));
        Assert.Equal("héllo", Encoding.UTF8.GetString(bytes.AsSpan(decoded.DataOffset)));
    }

    [Fact]
    public void B_prefix_is_a_base64_binary_message()
    {
        var bytes = "bAQID"u8.ToArray();
        Assert.True(EnginePacketDecoder.TryDecodeText(bytes, out var decoded));
        Assert.Equal(EnginePacketType.Message, decoded.Type);
        Assert.True(decoded.IsBase64Binary);
        Assert.Equal(1, decoded.DataOffset);

        Assert.True(EnginePacketDecoder.TryDecodeBase64(bytes.AsSpan(decoded.DataOffset), out var rented, out var length));
        Assert.Equal(new byte[] { 1, 2, 3 }, rented.AsSpan(0, length).ToArray());
        System.Buffers.ArrayPool<byte>.Shared.Return(rented);
    }

    [Fact]
    public void Empty_base64_is_an_empty_binary_message()
    {
        Assert.True(EnginePacketDecoder.TryDecodeText("b"u8, out var decoded));
        Assert.True(decoded.IsBase64Binary);
        Assert.True(EnginePacketDecoder.TryDecodeBase64(ReadOnlySpan<byte>.Empty, out var rented, out var length));
        Assert.Equal(0, length);
        System.Buffers.ArrayPool<byte>.Shared.Return(rented);
    }

    [Fact]
    public void Empty_packet_is_refused() =>
        Assert.False(EnginePacketDecoder.TryDecodeText(ReadOnlySpan<byte>.Empty, out _));

    [Theory]
    [InlineData("7")]
    [InlineData("9hello")]
    [InlineData("x")]
    [InlineData("B")]
    [InlineData(" 4")]
    [InlineData("/")]
    [InlineData("{\"a\":1}")]
    public void Unknown_type_char_is_refused(string packet) =>
        Assert.False(EnginePacketDecoder.TryDecodeText(Encoding.UTF8.GetBytes(packet), out _));

    [Theory]
    [InlineData("!!!!")]
    [InlineData("AQI")]      // missing padding
    [InlineData("AQID=")]
    [InlineData("AQ*D")]
    [InlineData("AQ==AQ==")]
    public void Invalid_base64_is_refused(string base64)
    {
        Assert.False(EnginePacketDecoder.TryDecodeBase64(Encoding.ASCII.GetBytes(base64), out var rented, out var length));
        Assert.Empty(rented);
        Assert.Equal(0, length);
    }

    [Fact]
    public void Message_frame_is_type_digit_plus_utf8_text()
    {
        var frame = EngineFrame.Message("héllo");
        Assert.False(frame.IsBinary);
        Assert.Equal("4héllo", Encoding.UTF8.GetString(frame.Bytes.Span));
        Assert.Equal("4abc", Encoding.UTF8.GetString(EngineFrame.Message("abc"u8).Bytes.Span));
    }

    [Fact]
    public void Binary_frame_keeps_raw_bytes()
    {
        var frame = EngineFrame.Binary(new byte[] { 0, 1, 255 });
        Assert.True(frame.IsBinary);
        Assert.Equal(new byte[] { 0, 1, 255 }, frame.Bytes.ToArray());
    }

    [Theory]
    [InlineData("")]
    [InlineData("7x")]
    [InlineData("hello")]
    public void FromEncodedText_requires_a_type_digit(string text) =>
        Assert.Throws<ArgumentException>(() => EngineFrame.FromEncodedText(Encoding.UTF8.GetBytes(text)));

    [Fact]
    public void FromEncodedText_keeps_the_packet_as_is()
    {
        var frame = EngineFrame.FromEncodedText("42[\"a\"]"u8.ToArray());
        Assert.Equal("42[\"a\"]", frame.ToString());
    }

    [Fact]
    public void Message_text_of_incoming_message()
    {
        Assert.Equal("hi", new EngineMessage("hi"u8.ToArray(), isBinary: false).GetText());
        Assert.Throws<InvalidOperationException>(() => new EngineMessage(new byte[] { 1 }, isBinary: true).GetText());
    }
}
