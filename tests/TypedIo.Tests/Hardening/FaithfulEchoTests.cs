using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TypedIo.SocketIo;
using TypedIo.Tests.SocketIo;

namespace TypedIo.Tests.Hardening;

/// <summary>
/// A value the server accepted goes back out as it came: strings are not unescaped and escaped again (a lone UTF-16
/// surrogate escape is legal JSON that Node relays), and the nesting an application sends is well within the limit.
/// </summary>
public sealed class FaithfulEchoTests
{
    private const string LoneSurrogates = """ "a\ud800b",{"k":["\udc00","\u00e9\n"]},"\ud83d\ude00" """;

    [Fact]
    public async Task Strings_with_lone_surrogate_escapes_are_echoed_byte_for_byte()
    {
        await using var host = await SioTest.StartEchoAsync(new Recorder<Socket>());
        var (client, _) = await SioClient.ConnectAndJoinAsync(host);
        using (client)
            await client.AssertEchoAsync(LoneSurrogates.Trim());
    }

    [Fact]
    public async Task Strings_with_lone_surrogate_escapes_next_to_an_attachment_are_echoed_byte_for_byte()
    {
        await using var host = await SioTest.StartEchoAsync(new Recorder<Socket>());
        var (client, _) = await SioClient.ConnectAndJoinAsync(host);
        using (client)
        {
            var text = $$"""451-["echo",{{LoneSurrogates.Trim()}},{"_placeholder":true,"num":0}]""";
            await client.SendAsync(text);
            await client.SendBinaryAsync([1, 2, 3]);

            Assert.Equal(text, await client.ReceiveAsync());
            Assert.Equal([1, 2, 3], await client.ReceiveBinaryAsync());
        }
    }

    [Theory]
    [InlineData(32)]
    [InlineData(63)] // with the arguments array: 64 levels, the limit
    public async Task An_object_nested_as_deep_as_applications_go_is_echoed(int depth)
    {
        await using var host = await SioTest.StartEchoAsync(new Recorder<Socket>());
        var (client, _) = await SioClient.ConnectAndJoinAsync(host);
        using (client)
            await client.AssertEchoAsync(Nest(depth));
    }

    [Fact]
    public void The_default_depth_limit_sits_at_64_and_thousands_of_levels_are_refused()
    {
        Assert.Equal(64, new SocketIoOptions().MaxJsonDepth);
        Assert.Equal(64, new JsonPacketParserOptions().MaxDepth);
        var deep = $"2[\"x\",{Nest(63)}]";
        var status = new JsonPacketParser().CreateDecoder().Decode(new(Encoding.UTF8.GetBytes(deep), false), out _, out var error);
        Assert.True(status == PacketDecodeStatus.Packet, error);
        var tooDeep = $"2[\"x\",{Nest(64)}]";
        Assert.Equal(PacketDecodeStatus.Error, new JsonPacketParser().CreateDecoder().Decode(new(Encoding.UTF8.GetBytes(tooDeep), false), out _, out _));
        var thousands = $"2[\"x\",{new string('[', 5000)}{new string(']', 5000)}]";
        Assert.Equal(PacketDecodeStatus.Error, new JsonPacketParser().CreateDecoder().Decode(new(Encoding.UTF8.GetBytes(thousands), false), out _, out _));
    }

    [Fact]
    public void A_node_holding_received_values_is_written_with_them_unchanged()
    {
        using var document = JsonDocument.Parse("""["\ud800",{"x":"\udc00"}]""");
        var node = new JsonObject { ["kept"] = JsonValue.Create(document.RootElement[0]), ["tree"] = PacketData.ToNode(document.RootElement[1], []) };

        var text = ParserText(new JsonPacketParser().EncodeEvent("/", "e", [node]));

        Assert.Equal("""42["e",{"kept":"\ud800","tree":{"x":"\udc00"}}]""", text);
    }

    [Fact]
    public void A_document_parsed_with_comments_and_trailing_commas_is_still_written_as_json()
    {
        using var document = JsonDocument.Parse("[1, /* c */ 2,]", new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });

        var text = ParserText(new JsonPacketParser().EncodeEvent("/", "e", [document.RootElement]));

        Assert.Equal("""42["e",[1,2]]""", text);
    }

    /// <summary><c>{"a":{"a":...{"a":1}}}</c> with <paramref name="depth"/> objects.</summary>
    private static string Nest(int depth)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < depth; i++)
            builder.Append("{\"a\":");
        builder.Append('1');
        builder.Append('}', depth);
        return builder.ToString();
    }

    private static string ParserText(EncodedPacket packet) => Encoding.UTF8.GetString(packet.Frames[0].Bytes.Span);
}
