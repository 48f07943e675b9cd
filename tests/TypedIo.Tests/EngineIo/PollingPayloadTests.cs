using System.Buffers;
using System.Text;
using TypedIo.EngineIo;

namespace TypedIo.Tests.EngineIo;

public sealed class PollingPayloadTests
{
    private static string[] Split(string payload)
    {
        var bytes = Encoding.UTF8.GetBytes(payload);
        var ranges = new Range[16];
        var count = PollingPayload.Split(bytes, ref ranges);
        var packets = new string[count];
        for (var i = 0; i < count; i++)
            packets[i] = Encoding.UTF8.GetString(bytes.AsSpan()[ranges[i]]);
        return packets;
    }

    private static string Encode(params EngineFrame[] frames)
    {
        var writer = new ArrayBufferWriter<byte>();
        PollingPayload.Write(frames, writer);
        Assert.Equal(PollingPayload.GetEncodedLength(frames), writer.WrittenCount);
        return Encoding.UTF8.GetString(writer.WrittenSpan);
    }

    [Fact]
    public void Split_single_packet() => Assert.Equal(["4hello"], Split("4hello"));

    [Fact]
    public void Split_several_packets() => Assert.Equal(["4hello", "2", "4€uro", "1"], Split("4hello\u001e2\u001e4€uro\u001e1"));

    [Fact]
    public void Split_keeps_empty_segments()
    {
        Assert.Equal([""], Split(""));
        Assert.Equal(["", ""], Split("\u001e"));
        Assert.Equal(["4a", "", "4b", ""], Split("4a\u001e\u001e4b\u001e"));
        Assert.Equal(["", "4a"], Split("\u001e4a"));
    }

    [Fact]
    public void Split_separators_next_to_base64()
    {
        // base64 never contains 0x1E, padding included, so a separator right after '=' ends the packet.
        Assert.Equal(["bAQ==", "bAQI=", "bAQID", "4x"], Split("bAQ==\u001ebAQI=\u001ebAQID\u001e4x"));
    }

    [Fact]
    public void Split_grows_the_range_array_beyond_its_initial_size()
    {
        var packets = Enumerable.Range(0, 100).Select(i => "4m" + i).ToArray();
        var bytes = Encoding.UTF8.GetBytes(string.Join('\u001e', packets));
        var ranges = ArrayPool<Range>.Shared.Rent(2);
        var initial = ranges.Length;
        var count = PollingPayload.Split(bytes, ref ranges);
        Assert.True(count > initial);
        Assert.Equal(100, count);
        for (var i = 0; i < count; i++)
            Assert.Equal(packets[i], Encoding.UTF8.GetString(bytes.AsSpan()[ranges[i]]));
        ArrayPool<Range>.Shared.Return(ranges);
    }

    [Fact]
    public void Encode_single_text_packet() => Assert.Equal("4hello", Encode(EngineFrame.Message("hello")));

    [Fact]
    public void Encode_several_packets_joined_by_record_separator() =>
        Assert.Equal("4a\u001e4b\u001e4€", Encode(EngineFrame.Message("a"), EngineFrame.Message("b"), EngineFrame.Message("€")));

    [Fact]
    public void Encode_nothing_is_empty() => Assert.Equal("", Encode());

    [Fact]
    public void Encode_binary_as_b_plus_base64() =>
        Assert.Equal("bAQID\u001e4x\u001eb\u001ebAA==", Encode(
            EngineFrame.Binary(new byte[] { 1, 2, 3 }), EngineFrame.Message("x"), EngineFrame.Binary(Array.Empty<byte>()), EngineFrame.Binary(new byte[] { 0 })));

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(1000)]
    public void Encoded_length_equals_what_write_writes(int binaryLength)
    {
        var data = Enumerable.Range(0, binaryLength).Select(i => (byte)i).ToArray();
        EngineFrame[] frames = [EngineFrame.Binary(data), EngineFrame.Message("ü"), EngineFrame.Binary(data), EngineFrame.Message("")];
        var writer = new ArrayBufferWriter<byte>();
        PollingPayload.Write(frames, writer);
        Assert.Equal(PollingPayload.GetEncodedLength(frames), writer.WrittenCount);
        Assert.Equal("b" + Convert.ToBase64String(data) + "\u001e4ü\u001eb" + Convert.ToBase64String(data) + "\u001e4", Encoding.UTF8.GetString(writer.WrittenSpan));
    }

    [Fact]
    public void Encoded_payload_splits_back_into_the_same_packets()
    {
        var data = new byte[] { 250, 251, 252, 253 };
        var payload = Encode(EngineFrame.Message("one"), EngineFrame.Binary(data), EngineFrame.Message("two"));
        var packets = Split(payload);
        Assert.Equal(3, packets.Length);
        Assert.Equal("4one", packets[0]);
        Assert.Equal("4two", packets[2]);
        var binary = Encoding.ASCII.GetBytes(packets[1]);
        Assert.True(EnginePacketDecoder.TryDecodeText(binary, out var decoded));
        Assert.True(decoded.IsBase64Binary);
        Assert.True(EnginePacketDecoder.TryDecodeBase64(binary.AsSpan(decoded.DataOffset), out var rented, out var length));
        Assert.Equal(data, rented.AsSpan(0, length).ToArray());
        ArrayPool<byte>.Shared.Return(rented);
    }
}
