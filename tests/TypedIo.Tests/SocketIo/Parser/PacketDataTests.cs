using System.Text.Json;
using System.Text.Json.Nodes;
using TypedIo.SocketIo;
using static TypedIo.Tests.SocketIo.Parser.ParserTestUtil;

namespace TypedIo.Tests.SocketIo.Parser;

public class PacketDataTests
{
    private readonly JsonPacketParser _parser = new();

    [Fact]
    public void Echoing_received_binary_args_reproduces_the_packet()
    {
        const string text = "51-[\"echo\",{\"a\":{\"_placeholder\":true,\"num\":0}}]";
        var decoder = _parser.CreateDecoder();
        Assert.Equal(PacketDecodeStatus.NeedMore, decoder.Decode(TextMessage(text), out _, out _));
        Assert.Equal(PacketDecodeStatus.Packet, decoder.Decode(BinaryMessage(1, 2, 3), out var packet, out _));

        var data = packet!.Data!.Value;
        var args = new object?[data.GetArrayLength() - 1];
        for (var i = 0; i < args.Length; i++)
            args[i] = PacketData.ToNode(data[i + 1], packet.Attachments);
        var encoded = _parser.EncodeEvent(packet.Namespace, packet.EventName!, args);

        Assert.Equal("4" + text, Text(encoded));
        Assert.Equal(new[] { new byte[] { 1, 2, 3 } }, Attachments(encoded));
    }

    [Fact]
    public void Echo_with_several_attachments_at_several_depths()
    {
        var original = _parser.EncodeAck("/x", 4, [new byte[] { 1 }, new { L = new object[] { 1, new byte[] { 2 }, new { M = new byte[] { 3 } } } }]);
        var packet = DecodeFrames(original);
        var data = packet.Data!.Value;
        var args = new object?[data.GetArrayLength()];
        for (var i = 0; i < args.Length; i++)
            args[i] = PacketData.ToNode(data[i], packet.Attachments);
        var again = _parser.EncodeAck(packet.Namespace, packet.Id!.Value, args);
        Assert.Equal(Text(original), Text(again));
        Assert.Equal(Attachments(original), Attachments(again));
    }

    [Fact]
    public void To_node_resolves_placeholders_to_byte_arrays_and_keeps_the_rest()
    {
        using var document = JsonDocument.Parse("{\"num\":1,\"s\":\"x\",\"n\":null,\"b\":[true,1.5],\"p\":{\"num\":1,\"_placeholder\":true}}");
        var node = PacketData.ToNode(document.RootElement, [[9], [8, 7]])!.AsObject();
        Assert.Equal(1, node["num"]!.GetValue<int>());
        Assert.Equal("x", node["s"]!.GetValue<string>());
        Assert.Null(node["n"]);
        Assert.True(node["b"]![0]!.GetValue<bool>());
        Assert.Equal(new byte[] { 8, 7 }, node["p"]!.GetValue<byte[]>());
    }

    [Fact]
    public void To_node_without_attachments_keeps_placeholder_shapes_as_data()
    {
        using var document = JsonDocument.Parse("{\"_placeholder\":true,\"num\":0}");
        var node = PacketData.ToNode(document.RootElement, []);
        Assert.Equal("{\"_placeholder\":true,\"num\":0}", node!.ToJsonString());
    }

    [Fact]
    public void To_node_with_a_dangling_placeholder_throws()
    {
        using var document = JsonDocument.Parse("[{\"_placeholder\":true,\"num\":3}]");
        Assert.Throws<ArgumentException>(() => PacketData.ToNode(document.RootElement, [[1]]));
    }

    [Fact]
    public void Deserialize_resolves_placeholders_into_every_binary_type()
    {
        var packet = DecodeFrames(_parser.EncodeEvent("/", "up", [new Upload("a.png", [1, 2], new byte[] { 3 }, new Memory<byte>([4]), new ArraySegment<byte>([5]))]));
        var upload = _parser.Deserialize<Upload>(packet.Data!.Value[1], packet.Attachments)!;
        Assert.Equal("a.png", upload.Name);
        Assert.Equal(new byte[] { 1, 2 }, upload.Data);
        Assert.Equal(new byte[] { 3 }, upload.Thumb.ToArray());
        Assert.Equal(new byte[] { 4 }, upload.Memory.ToArray());
        Assert.Equal(new byte[] { 5 }, upload.Segment.ToArray());
    }

    [Fact]
    public void Deserialize_top_level_bytes_and_base64_strings()
    {
        using var document = JsonDocument.Parse("[{\"num\":0,\"_placeholder\":true,\"x\":{\"y\":[1]}},\"AQI=\"]");
        Assert.Equal(new byte[] { 6 }, _parser.Deserialize<byte[]>(document.RootElement[0], [[6]]));
        Assert.Equal(new byte[] { 1, 2 }, _parser.Deserialize<byte[]>(document.RootElement[1], []));
        Assert.Equal(new byte[] { 6 }, (byte[])_parser.Deserialize(document.RootElement[0], typeof(byte[]), [[6]])!);
    }

    [Fact]
    public void Deserialize_with_a_dangling_placeholder_throws_json_exception()
    {
        using var document = JsonDocument.Parse("{\"_placeholder\":true,\"num\":1}");
        Assert.Throws<JsonException>(() => _parser.Deserialize<byte[]>(document.RootElement, [[1]]));
        Assert.Throws<JsonException>(() => _parser.Deserialize<byte[]>(document.RootElement, []));
    }

    [Fact]
    public void Deserialize_plain_values_with_camel_case()
    {
        using var document = JsonDocument.Parse("{\"name\":\"n\",\"data\":null,\"thumb\":null}");
        var upload = _parser.Deserialize<Upload>(document.RootElement, [])!;
        Assert.Equal("n", upload.Name);
        Assert.Null(upload.Data);
        Assert.True(upload.Thumb.IsEmpty);
    }

    public sealed record Upload(string Name, byte[]? Data, ReadOnlyMemory<byte> Thumb = default, Memory<byte> Memory = default, ArraySegment<byte> Segment = default);
}
