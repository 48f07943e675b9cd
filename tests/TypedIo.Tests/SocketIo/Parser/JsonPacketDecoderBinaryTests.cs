using TypedIo.EngineIo;
using TypedIo.SocketIo;
using static TypedIo.Tests.SocketIo.Parser.ParserTestUtil;

namespace TypedIo.Tests.SocketIo.Parser;

public class JsonPacketDecoderBinaryTests
{
    [Fact]
    public void Binary_event_waits_for_its_attachments()
    {
        var decoder = new JsonPacketParser().CreateDecoder();
        Assert.Equal(PacketDecodeStatus.NeedMore,
            decoder.Decode(TextMessage("52-/files,7[\"upload\",{\"_placeholder\":true,\"num\":0},{\"x\":{\"num\":1,\"_placeholder\":true}}]"), out var packet, out var error));
        Assert.Null(packet);
        Assert.Null(error);
        Assert.Equal(PacketDecodeStatus.NeedMore, decoder.Decode(BinaryMessage(1, 2, 3), out packet, out _));
        Assert.Null(packet);
        Assert.Equal(PacketDecodeStatus.Packet, decoder.Decode(BinaryMessage(4), out packet, out _));

        Assert.Equal(SocketPacketType.BinaryEvent, packet!.Type);
        Assert.True(packet.IsBinary);
        Assert.Equal("/files", packet.Namespace);
        Assert.Equal(7, packet.Id);
        Assert.Equal("upload", packet.EventName);
        Assert.Equal(2, packet.Attachments.Count);
        Assert.Equal(new byte[] { 1, 2, 3 }, packet.Attachments[0]);
        Assert.Equal(new byte[] { 4 }, packet.Attachments[1]);
    }

    [Fact]
    public void Binary_ack_with_one_attachment()
    {
        var decoder = new JsonPacketParser().CreateDecoder();
        Assert.Equal(PacketDecodeStatus.NeedMore, decoder.Decode(TextMessage("61-12[{\"_placeholder\":true,\"num\":0}]"), out _, out _));
        Assert.Equal(PacketDecodeStatus.Packet, decoder.Decode(BinaryMessage(9, 8), out var packet, out _));
        Assert.Equal(SocketPacketType.BinaryAck, packet!.Type);
        Assert.Equal(12, packet.Id);
        Assert.Equal("/", packet.Namespace);
        Assert.Equal(new byte[] { 9, 8 }, packet.Attachments[0]);
    }

    [Fact]
    public void Attachments_are_copied_out_of_the_message()
    {
        var decoder = new JsonPacketParser().CreateDecoder();
        decoder.Decode(TextMessage("51-[\"a\",{\"_placeholder\":true,\"num\":0}]"), out _, out _);
        var data = new byte[] { 1, 2, 3 };
        decoder.Decode(new EngineMessage(data, true), out var packet, out _);
        Array.Fill(data, (byte)0);
        Assert.Equal(new byte[] { 1, 2, 3 }, packet!.Attachments[0]);
    }

    [Fact]
    public void Binary_packet_with_zero_attachments_is_returned_at_once()
    {
        var packet = Decode("50-[\"a\",1]");
        Assert.Equal(SocketPacketType.BinaryEvent, packet.Type);
        Assert.Empty(packet.Attachments);
        Assert.Equal("a", packet.EventName);
    }

    [Fact]
    public void Decoder_continues_after_a_binary_packet()
    {
        var decoder = new JsonPacketParser().CreateDecoder();
        decoder.Decode(TextMessage("51-[\"a\",{\"_placeholder\":true,\"num\":0}]"), out _, out _);
        Assert.Equal(PacketDecodeStatus.Packet, decoder.Decode(BinaryMessage(1), out _, out _));
        Assert.Equal(PacketDecodeStatus.Packet, decoder.Decode(TextMessage("2[\"b\"]"), out var next, out _));
        Assert.Equal("b", next!.EventName);
        Assert.Equal(PacketDecodeStatus.Error, decoder.Decode(BinaryMessage(2), out _, out var error));
        Assert.Equal("binary message without a binary packet", error);
    }

    [Fact]
    public void Attachment_count_at_the_cap_is_accepted_and_above_is_an_error()
    {
        var decoder = new JsonPacketParser().CreateDecoder();
        Assert.Equal(PacketDecodeStatus.NeedMore, decoder.Decode(TextMessage("510-[\"a\"]"), out _, out _));
        Assert.Equal("too many attachments", DecodeError("511-[\"a\"]"));
        Assert.Equal("too many attachments", DecodeError("599999999999999999999999-[\"a\"]"));
        Assert.Equal("too many attachments", DecodeError("63-[]", new JsonPacketParserOptions { MaxAttachments = 2 }));
    }

    [Theory]
    [InlineData("5-[\"a\"]")]
    [InlineData("51[\"a\"]")]
    [InlineData("5")]
    [InlineData("51")]
    [InlineData("5x-[\"a\"]")]
    [InlineData("51.0-[\"a\"]")]
    [InlineData("6/admin,1-[]")]
    public void Malformed_attachment_count_is_an_error(string text) => Assert.Equal("illegal attachments", DecodeError(text));

    [Fact]
    public void Binary_packet_payload_rules_match_the_text_types()
    {
        Assert.Equal("payload required", DecodeError("51-"));
        Assert.Equal("payload required", DecodeError("61-/admin,3"));
        DecodeError("51-{\"_placeholder\":true,\"num\":0}");
        DecodeError("61-{}");
        DecodeError("51-[]");
    }

    [Fact]
    public void Text_message_while_attachments_are_awaited_is_an_error()
    {
        var decoder = new JsonPacketParser().CreateDecoder();
        decoder.Decode(TextMessage("52-[\"a\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]"), out _, out _);
        decoder.Decode(BinaryMessage(1), out _, out _);
        Assert.Equal(PacketDecodeStatus.Error, decoder.Decode(TextMessage("2[\"b\"]"), out var packet, out var error));
        Assert.Null(packet);
        Assert.Equal("text packet while binary attachments were expected", error);
    }

    [Fact]
    public void Binary_message_without_pending_packet_is_an_error()
    {
        var decoder = new JsonPacketParser().CreateDecoder();
        Assert.Equal(PacketDecodeStatus.Error, decoder.Decode(BinaryMessage(1, 2), out var packet, out var error));
        Assert.Null(packet);
        Assert.NotNull(error);
    }

    [Theory]
    [InlineData("51-[\"a\",{\"_placeholder\":true,\"num\":1}]")]
    [InlineData("51-[\"a\",{\"_placeholder\":true,\"num\":-1}]")]
    [InlineData("51-[\"a\",{\"_placeholder\":true,\"num\":0.5}]")]
    [InlineData("51-[\"a\",{\"_placeholder\":true,\"num\":1e0}]")]
    [InlineData("51-[\"a\",{\"_placeholder\":true,\"num\":\"0\"}]")]
    [InlineData("51-[\"a\",{\"_placeholder\":true}]")]
    [InlineData("51-[\"a\",{\"deep\":[{\"_placeholder\":true,\"num\":5}]}]")]
    [InlineData("50-[\"a\",{\"_placeholder\":true,\"num\":0}]")]
    [InlineData("62-[{\"_placeholder\":true,\"num\":2}]")]
    [InlineData("51-[\"a\",{\"_placeholder\":true,\"num\":99999999999999999999}]")]
    public void Placeholder_pointing_nowhere_is_an_error(string text) => Assert.Equal("illegal attachments", DecodeError(text));

    [Fact]
    public void Placeholder_marker_other_than_true_is_plain_data()
    {
        var decoder = new JsonPacketParser().CreateDecoder();
        Assert.Equal(PacketDecodeStatus.NeedMore,
            decoder.Decode(TextMessage("51-[\"a\",{\"_placeholder\":\"true\",\"num\":7},{\"_placeholder\":false},{\"_placeholder\":true,\"num\":0}]"), out _, out _));
        Assert.Equal(PacketDecodeStatus.Packet, decoder.Decode(BinaryMessage(5), out var packet, out _));
        Assert.Equal(4, packet!.Data!.Value.GetArrayLength());
    }

    [Fact]
    public void Same_attachment_may_be_referenced_twice_and_keys_in_any_order()
    {
        var decoder = new JsonPacketParser().CreateDecoder();
        Assert.Equal(PacketDecodeStatus.NeedMore,
            decoder.Decode(TextMessage("51-[\"a\",{\"num\":0,\"_placeholder\":true},[{\"_placeholder\":true,\"num\":0,\"extra\":1}]]"), out _, out _));
        Assert.Equal(PacketDecodeStatus.Packet, decoder.Decode(BinaryMessage(5), out var packet, out _));
        Assert.Single(packet!.Attachments);
    }

    [Fact]
    public void Empty_binary_attachment_is_kept()
    {
        var decoder = new JsonPacketParser().CreateDecoder();
        decoder.Decode(TextMessage("51-[\"a\",{\"_placeholder\":true,\"num\":0}]"), out _, out _);
        Assert.Equal(PacketDecodeStatus.Packet, decoder.Decode(BinaryMessage(), out var packet, out _));
        Assert.Empty(packet!.Attachments[0]);
    }
}
