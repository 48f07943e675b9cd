using System.Text;

namespace TypedIo.Benchmarks.LoadGenerator.Tests;

public class WebSocketFramesTests
{
    private static readonly byte[] Key = [0x12, 0x34, 0x56, 0x78];

    [Theory]
    [InlineData(5)]       // 7-bit length
    [InlineData(200)]     // 16-bit length
    [InlineData(70_000)]  // 64-bit length
    public void A_built_frame_is_a_final_masked_text_frame_that_reads_back_to_its_payload(int length)
    {
        var payload = Encoding.ASCII.GetBytes(new string('x', length));
        var frame = WebSocketFrames.Build(payload, Key);

        Assert.Equal(0x81, frame[0]);
        Assert.True((frame[1] & 0x80) != 0, "client frames must be masked (RFC 6455 §5.1)");
        var header = WebSocketFrames.HeaderLength(length);
        Assert.NotEqual(payload, frame[header..]);

        Assert.True(WebSocketFrames.TryRead(frame, out var final, out var opcode, out var start, out var read, out var total));
        Assert.True(final);
        Assert.Equal(WebSocketFrames.Text, opcode);
        Assert.Equal(frame.Length, total);
        Assert.Equal(payload, frame.AsSpan(start, read).ToArray());
    }

    [Fact]
    public void A_partial_frame_asks_for_more_bytes_and_says_how_many_once_its_header_is_in()
    {
        var frame = WebSocketFrames.Build(new byte[300], Key);

        Assert.False(WebSocketFrames.TryRead(frame.AsSpan(0, 1), out _, out _, out _, out _, out var unknown));
        Assert.Equal(0, unknown);
        Assert.False(WebSocketFrames.TryRead(frame.AsSpan(0, 100), out _, out _, out _, out _, out var needed));
        Assert.Equal(frame.Length, needed);
    }

    [Fact]
    public void Writing_into_a_built_frame_masks_the_new_bytes_at_their_offset()
    {
        var frame = WebSocketFrames.Build("42[\"bc\",\"00000000xx\"]"u8, Key);

        WebSocketFrames.WriteMasked(frame, 9, "00000042"u8);

        Assert.True(WebSocketFrames.TryRead(frame, out _, out _, out var start, out var length, out _));
        Assert.Equal("42[\"bc\",\"00000042xx\"]", Encoding.ASCII.GetString(frame, start, length));
    }

    [Fact]
    public void An_unmasked_server_frame_is_read_in_place()
    {
        byte[] frame = [0x81, 3, (byte)'4', (byte)'2', (byte)'x', 0x89];

        Assert.True(WebSocketFrames.TryRead(frame, out _, out var opcode, out var start, out var length, out var total));
        Assert.Equal(WebSocketFrames.Text, opcode);
        Assert.Equal("42x", Encoding.ASCII.GetString(frame, start, length));
        Assert.Equal(5, total);
    }
}
