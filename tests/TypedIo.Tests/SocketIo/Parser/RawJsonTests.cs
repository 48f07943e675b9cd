using System.Text;
using System.Text.Json;
using TypedIo.SocketIo;

namespace TypedIo.Tests.SocketIo.Parser;

/// <summary>
/// Received JSON values go back out as the bytes that came, written without a second validating pass where the text
/// cannot be anything but JSON (<see cref="RawJson"/>); text from a lenient document is still written as JSON.
/// </summary>
public sealed class RawJsonTests
{
    [Theory]
    // What socket.io-client's JSON.stringify sends: lone surrogates escaped, other non-ASCII raw, control characters
    // escaped, numbers as JavaScript writes them.
    [InlineData("\"a\\ud800b\"")]
    [InlineData("\"\\udc00\",\"\\ud83d\\ude00\"")]
    [InlineData("\"é ü 漢字 😀\"")]
    [InlineData("\"\\u0001\\n\\\"\\\\\"")]
    [InlineData("1.2345678901234568e+29,-5e-324,9007199254740993,0")]
    [InlineData("true,false,null")]
    [InlineData("{\"url\":\"http://example.com/a\",\"s\":\"\\ud800\"}")] // a '/' in a string: validated, still relayed as is
    [InlineData("{\"s\":\"x, ]\",\"t\":[\"\\udfff\"]}")] // a ", ]" in a string: the same
    [InlineData("{\"k\":[\"\\udc00\",\"\\u00e9\\n\"],\"n\":{\"m\":[1,[2,{}],[]]}}")]
    [InlineData("[]")]
    [InlineData("{}")]
    public void Arguments_of_a_received_event_are_relayed_byte_for_byte(string args)
    {
        var received = new JsonPacketParser().CreateDecoder();
        Assert.Equal(PacketDecodeStatus.Packet, received.Decode(ParserTestUtil.TextMessage($"21[\"ack\",{args}]"), out var packet, out var error));
        Assert.Null(error);
        var relayed = SocketArgs.OfPacket(packet!, new JsonPacketParser()).ToEmitArgs();

        var ack = new JsonPacketParser().EncodeAck("/", 1, relayed);

        Assert.Equal($"431[{args}]", Encoding.UTF8.GetString(ack.Frames[0].Bytes.Span));
    }

    [Theory]
    [InlineData("{\"a\":[1,/* c */2,],\"b\":\"x\"}", "{\"a\":[1,2],\"b\":\"x\"}")]
    [InlineData("[1, // c\n 2]", "[1,2]")]
    [InlineData("{\"a\":1 ,\n}", "{\"a\":1}")]
    [InlineData("[[1,],{\"b\":[],},]", "[[1],{\"b\":[]}]")]
    public void Objects_and_arrays_of_a_lenient_document_are_written_as_json(string lenient, string json)
    {
        using var document = JsonDocument.Parse(lenient, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });

        Assert.Equal($"42[\"e\",{json}]", Text(new JsonPacketParser().EncodeEvent("/", "e", [document.RootElement])));
    }

    [Fact]
    public void Single_values_of_a_lenient_document_keep_their_bytes()
    {
        using var document = JsonDocument.Parse("[/* c */ \"\\ud800\", 1e400, \"a/b\", ]", new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var values = document.RootElement.EnumerateArray().Select(value => (object?)value).ToArray();

        Assert.Equal("42[\"e\",\"\\ud800\",1e400,\"a/b\"]", Text(new JsonPacketParser().EncodeEvent("/", "e", values)));
    }

    [Theory]
    [InlineData("[1,2]", false)]
    [InlineData("{\"a\":[1, 2], \"b\": {}}", false)]
    [InlineData("[ ]", false)]
    [InlineData("[\"a,b\",\"c]\"]", false)]
    [InlineData("[1,2,]", true)]
    [InlineData("[1,2,\r\n\t ]", true)]
    [InlineData("{\"a\":1,}", true)]
    [InlineData("[1 /* c */]", true)]
    [InlineData("[\"http://x\"]", true)] // conservative: validated
    [InlineData("[\"x, ]\"]", true)] // the same
    public void Text_that_may_hold_a_comment_or_a_trailing_comma_is_recognized(string raw, bool mayHave)
    {
        Assert.Equal(mayHave, RawJson.MayHaveExtensions(Encoding.UTF8.GetBytes(raw)));
    }

    [Fact]
    public void A_default_element_still_throws()
    {
        Assert.ThrowsAny<InvalidOperationException>(() => new JsonPacketParser().EncodeEvent("/", "e", [default(JsonElement)]));
    }

    private static string Text(EncodedPacket packet) => Encoding.UTF8.GetString(packet.Frames[0].Bytes.Span);
}
