using System.Text;
using TypedIo.SocketIo;
using static TypedIo.Tests.SocketIo.Parser.ParserTestUtil;

namespace TypedIo.Tests.SocketIo.Parser;

/// <summary>
/// <see cref="EncodedPacket.WithAppendedArgument(string)"/>: how an adapter gives an already-encoded broadcast its
/// recovery offset without serializing it again.
/// </summary>
public class AppendedArgumentTests
{
    private readonly JsonPacketParser _parser = new();

    [Fact]
    public void The_argument_goes_last_and_the_packet_reads_as_if_it_had_been_encoded_with_it()
    {
        var packet = _parser.EncodeEvent("/admin", "news", [1, new { a = "é" }]).WithAppendedArgument("1700000000000-3");
        Assert.Equal(Text(_parser.EncodeEvent("/admin", "news", [1, new { a = "é" }, "1700000000000-3"])), Text(packet));
        Assert.Equal("""["news",1,{"a":"é"},"1700000000000-3"]""", Encoding.UTF8.GetString(packet.Data.Span));
        Assert.Equal("/admin", packet.Namespace);
        Assert.Equal(SocketPacketType.Event, packet.Type);
    }

    [Fact]
    public void Attachments_are_shared_and_the_compress_flag_is_kept()
    {
        var original = _parser.EncodeEvent("/", "file", [new byte[] { 1, 2, 3 }]).WithoutCompression();
        var packet = original.WithAppendedArgument("7");
        Assert.Equal("451-[\"file\",{\"_placeholder\":true,\"num\":0},\"7\"]", Text(packet));
        Assert.True(packet.Frames[1].Bytes.Equals(original.Frames[1].Bytes));
        Assert.False(packet.Frames[0].Compress);
        Assert.Equal(SocketPacketType.BinaryEvent, packet.Type);
    }

    [Fact]
    public void The_argument_is_escaped_as_a_json_string() =>
        Assert.Equal("42[\"x\",\"a\\\"b\\\\c\"]", Text(_parser.EncodeEvent("/", "x", []).WithAppendedArgument("a\"b\\c")));

    [Fact]
    public void Acks_and_undescribed_packets_take_no_argument()
    {
        Assert.Throws<InvalidOperationException>(() => _parser.EncodeAck("/", 1, [true]).WithAppendedArgument("1"));
        Assert.Throws<InvalidOperationException>(() => new EncodedPacket([TypedIo.EngineIo.EngineFrame.Message("2[\"x\"]")]).WithAppendedArgument("1"));
    }
}
