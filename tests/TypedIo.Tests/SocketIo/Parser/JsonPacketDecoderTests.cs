using System.Text.Json;
using TypedIo.EngineIo;
using TypedIo.SocketIo;
using static TypedIo.Tests.SocketIo.Parser.ParserTestUtil;

namespace TypedIo.Tests.SocketIo.Parser;

public class JsonPacketDecoderTests
{
    [Fact]
    public void Connect_without_payload_is_on_the_main_namespace()
    {
        var packet = Decode("0");
        Assert.Equal(SocketPacketType.Connect, packet.Type);
        Assert.Equal("/", packet.Namespace);
        Assert.Null(packet.Data);
        Assert.Null(packet.Id);
        Assert.Empty(packet.Attachments);
    }

    [Fact]
    public void Connect_with_namespace_and_auth_object()
    {
        var packet = Decode("0/admin,{\"token\":\"abc\"}");
        Assert.Equal(SocketPacketType.Connect, packet.Type);
        Assert.Equal("/admin", packet.Namespace);
        Assert.Equal("abc", packet.Data!.Value.GetProperty("token").GetString());
    }

    [Fact]
    public void Namespace_may_end_the_packet_without_a_comma()
    {
        var packet = Decode("0/admin");
        Assert.Equal("/admin", packet.Namespace);
        Assert.Null(packet.Data);
    }

    [Fact]
    public void Namespace_with_unicode_and_query_like_text_is_kept_verbatim()
    {
        Assert.Equal("/ünï?x=1", Decode("0/ünï?x=1,").Namespace);
    }

    [Theory]
    [InlineData("0[]")]
    [InlineData("0\"token\"")]
    [InlineData("0/admin,[1]")]
    public void Connect_payload_must_be_an_object(string text) =>
        Assert.Contains("CONNECT", DecodeError(text));

    [Fact]
    public void Disconnect_without_payload()
    {
        var packet = Decode("1/admin,");
        Assert.Equal(SocketPacketType.Disconnect, packet.Type);
        Assert.Equal("/admin", packet.Namespace);
        Assert.Null(packet.Data);
        Assert.Equal("/", Decode("1").Namespace);
    }

    [Theory]
    [InlineData("1{}")]
    [InlineData("1/admin,[]")]
    [InlineData("1\"x\"")]
    public void Disconnect_with_payload_is_an_error(string text) => DecodeError(text);

    [Fact]
    public void Event_with_args()
    {
        var packet = Decode("2[\"hello\",1,{\"a\":[true,null]}]");
        Assert.Equal(SocketPacketType.Event, packet.Type);
        Assert.Equal("hello", packet.EventName);
        Assert.Equal(3, packet.Data!.Value.GetArrayLength());
        Assert.Equal(1, packet.Data.Value[1].GetInt32());
        Assert.Equal(JsonValueKind.Null, packet.Data.Value[2].GetProperty("a")[1].ValueKind);
        Assert.Null(packet.Id);
    }

    [Fact]
    public void Event_with_namespace_and_ack_id()
    {
        var packet = Decode("2/chat,42[\"ask\",\"q\"]");
        Assert.Equal("/chat", packet.Namespace);
        Assert.Equal(42, packet.Id);
        Assert.Equal("ask", packet.EventName);
    }

    [Fact]
    public void Event_with_ack_id_on_main_namespace()
    {
        var packet = Decode("213[\"ask\"]");
        Assert.Equal("/", packet.Namespace);
        Assert.Equal(13, packet.Id);
        Assert.Equal("[\"ask\"]", Raw(packet));
    }

    [Theory]
    [InlineData("2")]
    [InlineData("2/admin,")]
    [InlineData("212")]
    public void Event_requires_a_payload(string text) => Assert.Equal("payload required", DecodeError(text));

    [Theory]
    [InlineData("2[]")]
    [InlineData("2{}")]
    [InlineData("2\"hello\"")]
    [InlineData("2[1]")]
    [InlineData("2[null]")]
    [InlineData("2[[\"a\"]]")]
    public void Event_payload_must_be_an_array_starting_with_a_name(string text) => DecodeError(text);

    [Theory]
    [InlineData("connect")]
    [InlineData("connect_error")]
    [InlineData("disconnect")]
    [InlineData("disconnecting")]
    [InlineData("newListener")]
    [InlineData("removeListener")]
    public void Reserved_event_names_are_errors(string name)
    {
        Assert.Equal("reserved event name", DecodeError($"2[\"{name}\"]"));
        Assert.Equal("reserved event name", DecodeError($"51-[\"{name}\",{{\"_placeholder\":true,\"num\":0}}]"));
    }

    [Theory]
    [InlineData("Connect")]
    [InlineData("connected")]
    [InlineData("disconnect ")]
    public void Names_close_to_reserved_ones_are_fine(string name) => Assert.Equal(name, Decode($"2[\"{name}\"]").EventName);

    [Fact]
    public void Ack_with_args()
    {
        var packet = Decode("3/admin,13[true,\"x\"]");
        Assert.Equal(SocketPacketType.Ack, packet.Type);
        Assert.Equal("/admin", packet.Namespace);
        Assert.Equal(13, packet.Id);
        Assert.Equal("[true,\"x\"]", Raw(packet));
        Assert.Null(packet.EventName);
    }

    [Fact]
    public void Ack_with_empty_array() => Assert.Equal("[]", Raw(Decode("30[]")));

    [Theory]
    [InlineData("31")]
    [InlineData("31{}")]
    [InlineData("31\"x\"")]
    public void Ack_payload_must_be_an_array(string text) => DecodeError(text);

    [Fact]
    public void Connect_error_with_object_string_or_nothing()
    {
        Assert.Equal("unauthorized", Decode("4{\"message\":\"unauthorized\"}").Data!.Value.GetProperty("message").GetString());
        Assert.Equal("nope", Decode("4/admin,\"nope\"").Data!.Value.GetString());
        Assert.Equal(SocketPacketType.ConnectError, Decode("4").Type);
    }

    [Fact]
    public void Connect_error_with_array_is_an_error() => DecodeError("4[\"x\"]");

    [Theory]
    [InlineData("")]
    [InlineData("7[\"a\"]")]
    [InlineData("9")]
    [InlineData("a")]
    [InlineData("-1")]
    public void Unknown_type_is_an_error(string text) => DecodeError(text);

    [Fact]
    public void Largest_safe_ack_id_is_accepted()
    {
        var packet = Decode("29007199254740991[\"a\"]");
        Assert.Equal(9007199254740991L, packet.Id);
    }

    [Theory]
    [InlineData("29007199254740992[\"a\"]")]
    [InlineData("299999999999999999999999999[\"a\"]")]
    [InlineData("3/admin,99999999999999999999999999999999999999999[]")]
    public void Ack_id_out_of_range_is_an_error(string text) => Assert.Equal("ack id out of range", DecodeError(text));

    [Theory]
    [InlineData("21.5[\"a\"]")]
    [InlineData("21e3[\"a\"]")]
    [InlineData("21 [\"a\"]")]
    [InlineData("21x[\"a\"]")]
    [InlineData("31.5")]
    [InlineData("31-[]")]
    public void Non_integer_ack_id_is_an_error(string text) => Assert.Equal("invalid ack id", DecodeError(text));

    [Fact]
    public void Leading_zeros_in_ack_id_are_the_same_number() => Assert.Equal(7, Decode("2007[\"a\"]").Id);

    [Theory]
    [InlineData("2[\"a\"")]
    [InlineData("2[\"a\",]")]
    [InlineData("2[\"a\"]]")]
    [InlineData("2[\"a\"]x")]
    [InlineData("2[\"a\"][\"b\"]")]
    [InlineData("2[\"a\",undefined]")]
    [InlineData("2[\"a\" /* c */]")]
    [InlineData("0{\"a\":1}}")]
    [InlineData("4\"unterminated")]
    public void Invalid_json_or_trailing_garbage_is_an_error(string text) => Assert.Equal("invalid JSON payload", DecodeError(text));

    [Theory]
    [InlineData("2 [\"a\"]")]
    [InlineData("2true")]
    [InlineData("2/admin,null")]
    [InlineData("0x{}")]
    public void Payload_must_start_with_an_array_object_or_string(string text) => Assert.Equal("invalid payload", DecodeError(text));

    [Fact]
    public void Trailing_whitespace_after_json_is_allowed() => Assert.Equal("a", Decode("2[\"a\"] ").EventName);

    [Fact]
    public void Invalid_utf8_is_an_error()
    {
        var decoder = new JsonPacketParser().CreateDecoder();
        var status = decoder.Decode(new EngineMessage(new byte[] { (byte)'2', (byte)'[', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)']' }, false), out var packet, out var error);
        Assert.Equal(PacketDecodeStatus.Error, status);
        Assert.Null(packet);
        Assert.Equal("invalid UTF-8", error);
    }

    [Fact]
    public void Json_nested_at_the_limit_is_accepted_and_deeper_is_an_error()
    {
        var options = new JsonPacketParserOptions { MaxDepth = 4 };
        Assert.Equal(PacketDecodeStatus.Packet, DecodeText("2[\"a\",[[[1]]]]", out _, out _, options));
        Assert.Equal("invalid JSON payload", DecodeError("2[\"a\",[[[[1]]]]]", options));
    }

    [Fact]
    public void Very_deep_nesting_is_an_error_not_a_crash()
    {
        var text = "2[\"a\"," + new string('[', 5000) + new string(']', 5000) + "]";
        Assert.Equal("invalid JSON payload", DecodeError(text));
        var objects = "0" + string.Concat(Enumerable.Repeat("{\"a\":", 5000)) + "1" + new string('}', 5000);
        Assert.Equal("invalid JSON payload", DecodeError(objects));
    }

    [Fact]
    public void Default_depth_limit_is_64()
    {
        Assert.Equal(64, new JsonPacketParserOptions().MaxDepth);
        Assert.Equal(PacketDecodeStatus.Packet, DecodeText("2[\"a\"," + new string('[', 63) + new string(']', 63) + "]", out _, out _));
        DecodeError("2[\"a\"," + new string('[', 64) + new string(']', 64) + "]");
    }

    [Fact]
    public void Decoded_packet_owns_its_memory()
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes("2/admin,5[\"hello\",{\"a\":\"b\"}]");
        var decoder = new JsonPacketParser().CreateDecoder();
        Assert.Equal(PacketDecodeStatus.Packet, decoder.Decode(new EngineMessage(bytes, false), out var packet, out _));
        Array.Fill(bytes, (byte)'x');
        Assert.Equal("hello", packet!.EventName);
        Assert.Equal("[\"hello\",{\"a\":\"b\"}]", Raw(packet));
    }

    [Fact]
    public void Decoder_keeps_decoding_a_stream_of_packets()
    {
        var decoder = new JsonPacketParser().CreateDecoder();
        Assert.Equal(PacketDecodeStatus.Packet, decoder.Decode(TextMessage("0"), out var first, out _));
        Assert.Equal(PacketDecodeStatus.Packet, decoder.Decode(TextMessage("2[\"a\"]"), out var second, out _));
        Assert.Equal(SocketPacketType.Connect, first!.Type);
        Assert.Equal("a", second!.EventName);
    }

    [Fact]
    public void Decoder_stays_failed_after_an_error()
    {
        var decoder = new JsonPacketParser().CreateDecoder();
        Assert.Equal(PacketDecodeStatus.Error, decoder.Decode(TextMessage("2[]"), out _, out _));
        Assert.Equal(PacketDecodeStatus.Error, decoder.Decode(TextMessage("2[\"a\"]"), out var packet, out var error));
        Assert.Null(packet);
        Assert.NotNull(error);
    }

    [Fact]
    public void Unicode_event_and_args_are_decoded()
    {
        var packet = Decode("2[\"héllo 👋\",\"日本語\",\"\\u00e9\"]");
        Assert.Equal("héllo 👋", packet.EventName);
        Assert.Equal("日本語", packet.Data!.Value[1].GetString());
        Assert.Equal("é", packet.Data.Value[2].GetString());
    }

    [Fact]
    public void Placeholder_in_a_non_binary_packet_is_plain_data()
    {
        var packet = Decode("2[\"a\",{\"_placeholder\":true,\"num\":99}]");
        Assert.Equal(SocketPacketType.Event, packet.Type);
        Assert.Equal(99, packet.Data!.Value[1].GetProperty("num").GetInt32());
        Assert.Empty(packet.Attachments);
    }
}
