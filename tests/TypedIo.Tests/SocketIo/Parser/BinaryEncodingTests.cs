using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using TypedIo.SocketIo;
using static TypedIo.Tests.SocketIo.Parser.ParserTestUtil;

namespace TypedIo.Tests.SocketIo.Parser;

public class BinaryEncodingTests
{
    private const string P0 = "{\"_placeholder\":true,\"num\":0}";
    private const string P1 = "{\"_placeholder\":true,\"num\":1}";
    private const string P2 = "{\"_placeholder\":true,\"num\":2}";

    private readonly JsonPacketParser _parser = new();

    [Fact]
    public void Every_binary_type_becomes_a_placeholder()
    {
        var backing = new byte[] { 9, 1, 2, 3, 9 };
        var encoded = _parser.EncodeEvent("/", "b",
        [
            new byte[] { 0 },
            new ReadOnlyMemory<byte>(backing, 1, 3),
            new Memory<byte>(backing, 4, 1),
            new ArraySegment<byte>(backing, 0, 2),
        ]);
        Assert.Equal($"454-[\"b\",{P0},{P1},{P2},{{\"_placeholder\":true,\"num\":3}}]", Text(encoded));
        Assert.Equal(new[] { new byte[] { 0 }, [1, 2, 3], [9], [9, 1] }, Attachments(encoded));
    }

    [Fact]
    public void Attachments_are_copies()
    {
        var data = new byte[] { 1, 2 };
        var encoded = _parser.EncodeEvent("/", "b", [data]);
        data[0] = 42;
        Assert.Equal(new byte[] { 1, 2 }, encoded.Frames[1].Bytes.ToArray());
    }

    [Fact]
    public void Binary_inside_objects_lists_and_dictionaries_in_order_of_appearance()
    {
        var arg = new Envelope
        {
            Name = "pics",
            Files = [new byte[] { 1 }, new byte[] { 2 }],
            Extra = new Dictionary<string, object?> { ["thumb"] = new byte[] { 3 }, ["n"] = 1 },
        };
        var encoded = _parser.EncodeEvent("/", "up", [arg, new List<object> { "x", new byte[] { 4 } }]);
        Assert.Equal(
            $"454-[\"up\",{{\"name\":\"pics\",\"files\":[{P0},{P1}],\"extra\":{{\"thumb\":{P2},\"n\":1}}}},[\"x\",{{\"_placeholder\":true,\"num\":3}}]]",
            Text(encoded));
        Assert.Equal(new[] { new byte[] { 1 }, [2], [3], [4] }, Attachments(encoded));
    }

    [Fact]
    public void Binary_deep_inside_anonymous_objects()
    {
        var encoded = _parser.EncodeAck("/", 3, [new { A = new { B = new { C = new object[] { new Memory<byte>([5]) } } } }]);
        Assert.Equal($"461-3[{{\"a\":{{\"b\":{{\"c\":[{P0}]}}}}}}]", Text(encoded));
        Assert.Equal(new[] { new byte[] { 5 } }, Attachments(encoded));
    }

    [Fact]
    public void Json_node_with_byte_array_values_goes_through_the_converter()
    {
        var node = new JsonObject
        {
            ["file"] = JsonValue.Create(new byte[] { 1, 2 }),
            ["list"] = new JsonArray(JsonValue.Create(new byte[] { 3 }), JsonValue.Create("s")),
        };
        var encoded = _parser.EncodeEvent("/", "n", [node, JsonValue.Create(new byte[] { 4 })]);
        Assert.Equal($"453-[\"n\",{{\"file\":{P0},\"list\":[{P1},\"s\"]}},{P2}]", Text(encoded));
        Assert.Equal(new[] { new byte[] { 1, 2 }, [3], [4] }, Attachments(encoded));
    }

    [Fact]
    public void Json_node_inside_a_poco_goes_through_the_converter()
    {
        var encoded = _parser.EncodeEvent("/", "n", [new Holder { Payload = new JsonArray(JsonValue.Create(new byte[] { 8 })) }]);
        Assert.Equal($"451-[\"n\",{{\"payload\":[{P0}]}}]", Text(encoded));
        Assert.Equal(new[] { new byte[] { 8 } }, Attachments(encoded));
    }

    [Fact]
    public void Connect_and_connect_error_write_binary_as_base64()
    {
        Assert.Equal("40{\"key\":\"AQI=\"}", Text(_parser.EncodeConnect("/", new { Key = new byte[] { 1, 2 } })));
        var error = _parser.EncodeConnectError("/", "no", new byte[] { 1, 2 });
        Assert.Equal("44{\"message\":\"no\",\"data\":\"AQI=\"}", Text(error));
        Assert.Single(error.Frames);
    }

    [Fact]
    public async Task Encoding_is_independent_between_packets_and_threads()
    {
        var tasks = new Task[8];
        for (var t = 0; t < tasks.Length; t++)
        {
            var id = t;
            tasks[t] = Task.Run(() =>
            {
                for (var i = 0; i < 200; i++)
                {
                    var encoded = _parser.EncodeEvent("/", "e", [new byte[] { (byte)id }, i]);
                    Assert.Equal($"451-[\"e\",{P0},{i}]", Text(encoded));
                    Assert.Equal(new[] { new byte[] { (byte)id } }, Attachments(encoded));
                }
            });
        }
        await Task.WhenAll(tasks);
    }

    [Fact]
    public void Nested_encoding_from_inside_a_converter_keeps_both_packets_apart()
    {
        var options = new JsonSerializerOptions { Converters = { new ReentrantConverter(_parser) } };
        var outer = new JsonPacketParser(options);
        var encoded = outer.EncodeEvent("/", "outer", [new byte[] { 1 }, new Reentrant(), new byte[] { 3 }]);
        Assert.Equal($"452-[\"outer\",{P0},\"451-[\\\"inner\\\",{P0.Replace("\"", "\\\"")}]\",{P1}]", Text(encoded));
        Assert.Equal(new[] { new byte[] { 1 }, [3] }, Attachments(encoded));
    }

    public sealed class Envelope
    {
        public string Name { get; set; } = "";
        public List<byte[]> Files { get; set; } = [];
        public Dictionary<string, object?> Extra { get; set; } = [];
    }

    public sealed class Holder
    {
        public JsonNode? Payload { get; set; }
    }

    public sealed class Reentrant;

    private sealed class ReentrantConverter(JsonPacketParser inner) : JsonConverter<Reentrant>
    {
        public override Reentrant Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException();

        public override void Write(Utf8JsonWriter writer, Reentrant value, JsonSerializerOptions options)
        {
            var nested = inner.EncodeEvent("/", "inner", [new byte[] { 2 }]);
            Assert.Equal(new[] { new byte[] { 2 } }, Attachments(nested));
            writer.WriteStringValue(Text(nested));
        }
    }
}
