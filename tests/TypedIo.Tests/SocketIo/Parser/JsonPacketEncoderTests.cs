using System.Text.Json;
using System.Text.Json.Serialization;
using TypedIo.SocketIo;
using static TypedIo.Tests.SocketIo.Parser.ParserTestUtil;

namespace TypedIo.Tests.SocketIo.Parser;

public class JsonPacketEncoderTests
{
    private readonly JsonPacketParser _parser = new();

    [Fact]
    public void Event_on_main_namespace() =>
        Assert.Equal("42[\"hello\",1]", Text(_parser.EncodeEvent("/", "hello", [1])));

    [Fact]
    public void Event_on_other_namespace() =>
        Assert.Equal("42/admin,[\"x\"]", Text(_parser.EncodeEvent("/admin", "x", [])));

    [Fact]
    public void Event_with_ack_id() =>
        Assert.Equal("4213[\"ask\"]", Text(_parser.EncodeEvent("/", "ask", [], 13)));

    [Fact]
    public void Event_with_namespace_and_ack_id() =>
        Assert.Equal("42/admin,0[\"ask\",null]", Text(_parser.EncodeEvent("/admin", "ask", [null], 0)));

    [Fact]
    public void Ack_with_namespace() =>
        Assert.Equal("43/admin,13[true]", Text(_parser.EncodeAck("/admin", 13, [true])));

    [Fact]
    public void Ack_without_args() => Assert.Equal("437[]", Text(_parser.EncodeAck("/", 7, [])));

    [Fact]
    public void Connect_with_sid()
    {
        Assert.Equal("40{\"sid\":\"abc\"}", Text(_parser.EncodeConnect("/", new { sid = "abc" })));
        Assert.Equal("40/admin,{\"sid\":\"abc\"}", Text(_parser.EncodeConnect("/admin", new Dictionary<string, string> { ["sid"] = "abc" })));
    }

    [Fact]
    public void Connect_without_data()
    {
        Assert.Equal("40", Text(_parser.EncodeConnect("/", null)));
        Assert.Equal("40/admin,", Text(_parser.EncodeConnect("/admin", null)));
    }

    [Fact]
    public void Connect_error_with_message()
    {
        Assert.Equal("44{\"message\":\"Invalid namespace\"}", Text(_parser.EncodeConnectError("/", "Invalid namespace")));
    }

    [Fact]
    public void Connect_error_with_data()
    {
        var encoded = _parser.EncodeConnectError("/admin", "unauthorized", new { Code = 401, Reasons = new[] { "token expired" } });
        Assert.Equal("44/admin,{\"message\":\"unauthorized\",\"data\":{\"code\":401,\"reasons\":[\"token expired\"]}}", Text(encoded));
    }

    [Fact]
    public void Disconnect()
    {
        Assert.Equal("41/admin,", Text(_parser.EncodeDisconnect("/admin")));
        Assert.Equal("41", Text(_parser.EncodeDisconnect("/")));
        Assert.Single(_parser.EncodeDisconnect("/").Frames);
    }

    [Fact]
    public void Binary_event_with_one_attachment()
    {
        var encoded = _parser.EncodeEvent("/", "file", [new byte[] { 1, 2, 3 }]);
        Assert.Equal("451-[\"file\",{\"_placeholder\":true,\"num\":0}]", Text(encoded));
        Assert.Equal(2, encoded.Frames.Count);
        Assert.True(encoded.Frames[1].IsBinary);
        Assert.Equal(new byte[] { 1, 2, 3 }, encoded.Frames[1].Bytes.ToArray());
    }

    [Fact]
    public void Binary_ack_with_namespace_and_id()
    {
        var encoded = _parser.EncodeAck("/admin", 13, ["ok", new byte[] { 7 }]);
        Assert.Equal("461-/admin,13[\"ok\",{\"_placeholder\":true,\"num\":0}]", Text(encoded));
        Assert.Equal(new[] { new byte[] { 7 } }, Attachments(encoded));
    }

    [Fact]
    public void Binary_event_with_namespace_and_id()
    {
        var encoded = _parser.EncodeEvent("/up", "f", [new byte[] { 1 }, new byte[] { 2 }], 9007199254740991);
        Assert.Equal("452-/up,9007199254740991[\"f\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]", Text(encoded));
        Assert.Equal(new[] { new byte[] { 1 }, new byte[] { 2 } }, Attachments(encoded));
    }

    [Fact]
    public void Plain_values_serialize_like_json_stringify()
    {
        var encoded = _parser.EncodeEvent("/", "v", ["s", 1.5, -3L, true, false, null, 'c', new[] { 1, 2 }]);
        Assert.Equal("42[\"v\",\"s\",1.5,-3,true,false,null,\"c\",[1,2]]", Text(encoded));
    }

    [Fact]
    public void Objects_use_camel_case_by_default_and_dictionary_keys_as_is()
    {
        var encoded = _parser.EncodeEvent("/", "m", [new ChatMessage("Ann", "hi"), new Dictionary<string, int> { ["KeepMe"] = 1 }]);
        Assert.Equal("42[\"m\",{\"userName\":\"Ann\",\"text\":\"hi\"},{\"KeepMe\":1}]", Text(encoded));
    }

    [Fact]
    public void Users_serializer_options_are_used_and_not_changed()
    {
        var options = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
        var parser = new JsonPacketParser(options);
        Assert.Equal("42[\"m\",{\"user_name\":\"Ann\",\"text\":\"hi\"}]", Text(parser.EncodeEvent("/", "m", [new ChatMessage("Ann", "hi")])));
        Assert.Empty(options.Converters);
        Assert.False(options.IsReadOnly);
        Assert.True(parser.SerializerOptions.IsReadOnly);
    }

    [Fact]
    public void Source_generated_resolver_in_users_options_is_used()
    {
        var options = new JsonSerializerOptions { TypeInfoResolver = ParserTestJsonContext.Default };
        var parser = new JsonPacketParser(options);
        var encoded = parser.EncodeEvent("/", "m", [new ChatMessage("Ann", "hi"), new Upload("a.png", [4, 5])]);
        Assert.Equal("451-[\"m\",{\"UserName\":\"Ann\",\"Text\":\"hi\"},{\"Name\":\"a.png\",\"Data\":{\"_placeholder\":true,\"num\":0}}]", Text(encoded));
        Assert.Equal(new[] { new byte[] { 4, 5 } }, Attachments(encoded));
    }

    [Fact]
    public void Json_element_and_node_args_are_written_as_is()
    {
        using var document = JsonDocument.Parse("{\"Already\":[1,{\"x\":null}]}");
        var node = System.Text.Json.Nodes.JsonNode.Parse("{\"Node\":true}");
        var encoded = _parser.EncodeEvent("/", "e", [document.RootElement, node, document]);
        Assert.Equal("42[\"e\",{\"Already\":[1,{\"x\":null}]},{\"Node\":true},{\"Already\":[1,{\"x\":null}]}]", Text(encoded));
    }

    [Fact]
    public void Json_element_with_placeholder_shape_stays_plain()
    {
        using var document = JsonDocument.Parse("{\"_placeholder\":true,\"num\":0}");
        var encoded = _parser.EncodeEvent("/", "e", [document.RootElement]);
        Assert.Equal("42[\"e\",{\"_placeholder\":true,\"num\":0}]", Text(encoded));
        Assert.Single(encoded.Frames);
    }

    [Fact]
    public void Unicode_is_written_unescaped_except_outside_the_basic_plane()
    {
        // System.Text.Json's relaxed encoder still escapes surrogate pairs; JSON.parse reads both forms alike.
        var encoded = _parser.EncodeEvent("/ünï", "héllo 👋", ["日本語 <b>&'\""]);
        Assert.Equal("42/ünï,[\"héllo \\uD83D\\uDC4B\",\"日本語 <b>&'\\\"\"]", Text(encoded));
    }

    [Fact]
    public void Control_characters_are_escaped()
    {
        Assert.Equal("42[\"a\",\"\\u001E\\n\"]", Text(_parser.EncodeEvent("/", "a", ["\u001e\n"])));
    }

    [Fact]
    public void Text_frame_is_one_exact_array()
    {
        // The array holds the WebSocket frame header (2 bytes here) and the packet, nothing more.
        var frame = _parser.EncodeEvent("/admin", "x", [1], 5).Frames[0];
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(frame.Bytes, out var segment));
        Assert.Equal(2, segment.Offset);
        Assert.Equal(segment.Array!.Length, segment.Offset + segment.Count);
        Assert.Equal(new byte[] { 0x81, (byte)segment.Count }, segment.Array[..2]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("admin")]
    [InlineData("/a,b")]
    public void Invalid_namespace_is_refused(string nsp)
    {
        Assert.Throws<ArgumentException>(() => _parser.EncodeEvent(nsp, "x", []));
        Assert.Throws<ArgumentException>(() => _parser.EncodeDisconnect(nsp));
    }

    [Fact]
    public void Ack_id_out_of_range_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _parser.EncodeAck("/", -1, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => _parser.EncodeEvent("/", "x", [], 9007199254740992));
    }

    [Fact]
    public void Serialization_failure_leaves_the_encoder_usable()
    {
        var cycle = new Node();
        cycle.Next = cycle;
        Assert.Throws<JsonException>(() => _parser.EncodeEvent("/", "x", [new byte[] { 1 }, cycle]));
        var encoded = _parser.EncodeEvent("/", "y", [2]);
        Assert.Equal("42[\"y\",2]", Text(encoded));
        Assert.Single(encoded.Frames);
    }

    public sealed record ChatMessage(string UserName, string Text);

    public sealed record Upload(string Name, byte[] Data);

    public sealed class Node
    {
        public Node? Next { get; set; }
    }
}

[JsonSerializable(typeof(JsonPacketEncoderTests.ChatMessage))]
[JsonSerializable(typeof(JsonPacketEncoderTests.Upload))]
internal sealed partial class ParserTestJsonContext : JsonSerializerContext;
