using System.Buffers;
using System.Text;
using System.Text.Json;
using MessagePack;
using TypedIo.Redis.Codec;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Redis.Tests.Codec;

/// <summary>
/// The msgpack codec against the real notepack.io and socket.io-parser (tests/js/cluster/tio-notepack.mjs): the same
/// bytes as notepack.io for the JavaScript value of the same JSON, and the same JSON as socket.io-parser sends to a
/// client for the value notepack.io decodes.
/// </summary>
public sealed class NotepackCodecTests
{
    private static readonly byte[] Undefined = [0xd4, 0x00, 0x00];
    private static readonly string Long300 = new('a', 300);
    private static readonly string Long70000 = new('b', 70_000);

    public static TheoryData<string> JsonCases() =>
    [
        "[0,1,127,128,255,256,65535,65536,4294967295,4294967296,9007199254740991]",
        "[-1,-32,-33,-128,-129,-32768,-32769,-2147483648,-2147483649,-9007199254740991]",
        "[1.5,-0.25,0.1,3.141592653589793,1e300,-1e-300,2.0,1e3,-0.0,-0]",
        "[1.7976931348623157e308,1e21,123456789012345680000,0.000001,0.0000001,1.5e-7,5e-324,0.1e-5,123.456e10,1e20,-2.5e-10]",
        "[\"\",\"a\",\"" + new string('x', 31) + "\",\"" + new string('y', 32) + "\",\"" + Long300 + "\",\"" + Long70000 + "\"]",
        "[\"é€😀\",\"line\\nbreak\",\"\\u0000\"]",
        "[true,false,null]",
        "[{\"b\":1,\"a\":{\"c\":[1,{\"d\":null}]}},[],{}]",
        "[{\"b\":1,\"10\":2,\"2\":3,\"01\":4,\"-1\":5,\"4294967295\":6,\"4294967294\":7}]",
        "[[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15],[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14]]",
        "[{\"k0\":0,\"k1\":1,\"k2\":2,\"k3\":3,\"k4\":4,\"k5\":5,\"k6\":6,\"k7\":7,\"k8\":8,\"k9\":9,\"ka\":10,\"kb\":11,\"kc\":12,\"kd\":13,\"ke\":14,\"kf\":15}]",
        "[\"event\",{\"user\":\"ann\",\"n\":42,\"tags\":[\"x\",\"y\"],\"score\":9.75}]",
    ];

    [Theory]
    [MemberData(nameof(JsonCases))]
    public async Task Json_is_written_as_notepack_writes_the_parsed_value_and_read_back_as_socket_io_parser_writes_it(string json)
    {
        var expected = await EncodeWithNodeAsync(json, []);
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(Encode(json, [])));

        var (nodeJson, nodeAttachments) = await DecodeWithNodeAsync(expected);
        var (ourJson, ourAttachments) = Decode(expected);
        Assert.Equal(nodeJson, ourJson);
        Assert.Empty(nodeAttachments);
        Assert.Empty(ourAttachments);
    }

    [Fact]
    public async Task Binary_attachments_become_bin_of_every_width_and_placeholders_again_in_the_same_order()
    {
        byte[][] attachments = [[], [1, 2, 3], Enumerable.Range(0, 255).Select(i => (byte)i).ToArray(), new byte[256], new byte[70_000]];
        const string json = """["file",{"_placeholder":true,"num":1},{"a":{"_placeholder":true,"num":0},"list":[{"_placeholder":true,"num":2},{"_placeholder":true,"num":3}]},{"_placeholder":true,"num":4}]""";

        var expected = await EncodeWithNodeAsync(json, attachments);
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(Encode(json, attachments)));

        var (nodeJson, nodeAttachments) = await DecodeWithNodeAsync(expected);
        var (ourJson, ourAttachments) = Decode(expected);
        Assert.Equal(nodeJson, ourJson);
        Assert.Equal(nodeAttachments, ourAttachments.Select(a => Convert.ToHexString(a.Span)));
    }

    [Fact]
    public async Task Notepack_extensions_read_as_javascript_would_serialize_them()
    {
        // [undefined, {"u": undefined, "k": 1}, Date(2020-01-02T03:04:05.678Z) as timestamp 64, timestamp 32, float32 1.5, float64 NaN]
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(6);
        writer.WriteRaw(Undefined);
        writer.WriteMapHeader(2);
        writer.Write("u");
        writer.WriteRaw(Undefined);
        writer.Write("k");
        writer.Write(1);
        var time = new DateTimeOffset(2020, 1, 2, 3, 4, 5, 678, TimeSpan.Zero);
        var seconds = (ulong)time.ToUnixTimeSeconds();
        var nanos = 678_000_000UL;
        var ts64 = (nanos << 34) | seconds;
        writer.WriteRaw((byte[])[0xd7, 0xff, .. BitConverter.GetBytes(ts64).Reverse()]);
        writer.WriteRaw((byte[])[0xd6, 0xff, .. BitConverter.GetBytes((uint)seconds).Reverse()]);
        writer.Write(1.5f);
        writer.Write(double.NaN);
        writer.Flush();
        var bytes = buffer.WrittenSpan.ToArray();

        var (nodeJson, _) = await DecodeWithNodeAsync(bytes);
        var (ourJson, _) = Decode(bytes);
        Assert.Equal(nodeJson, ourJson);
    }

    [Theory]
    [InlineData("c1")]          // never used
    [InlineData("92c0")]        // an array shorter than announced
    [InlineData("d9ff6162")]    // a string shorter than announced
    public void Malformed_msgpack_is_refused_with_a_serialization_exception(string hex)
    {
        var bytes = Convert.FromHexString(hex);
        Assert.ThrowsAny<Exception>(() => Decode(bytes));
    }

    private static byte[] Encode(string json, byte[][] attachments)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        using var document = JsonDocument.Parse(json);
        PacketMessagePack.WriteValue(ref writer, document.RootElement, attachments);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Our reading, wrapped in an argument list as the Node side wraps it (<c>data: [value]</c>).</summary>
    private static (string Json, List<ReadOnlyMemory<byte>> Attachments) Decode(byte[] msgpack)
    {
        var reader = new MessagePackReader(msgpack);
        var attachments = new List<ReadOnlyMemory<byte>>();
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new JsJsonWriter(buffer);
        writer.StartArray();
        MessagePackToJson.Write(ref reader, writer, attachments);
        writer.EndArray();
        if (!reader.End)
            throw new MessagePackSerializationException("trailing bytes");
        return (Encoding.UTF8.GetString(buffer.WrittenSpan), attachments);
    }

    private static async Task<byte[]> EncodeWithNodeAsync(string json, byte[][] attachments)
    {
        var cases = JsonSerializer.Serialize(new[] { new { json, attachments = attachments.Select(Convert.ToBase64String).ToArray() } });
        var result = await RunAsync(cases);
        return Convert.FromBase64String(result.GetProperty("msgpack").GetString()!);
    }

    private static async Task<(string Json, string[] Attachments)> DecodeWithNodeAsync(byte[] msgpack)
    {
        var cases = JsonSerializer.Serialize(new[] { new { msgpack = Convert.ToBase64String(msgpack) } });
        var result = await RunAsync(cases);
        var attachments = result.GetProperty("attachments").EnumerateArray().Select(a => Convert.ToHexString(Convert.FromBase64String(a.GetString()!))).ToArray();
        return (result.GetProperty("json").GetString()!, attachments);
    }

    private static async Task<JsonElement> RunAsync(string cases)
    {
        await using var script = NodeScript.Start("cluster/tio-notepack.mjs", cases);
        var result = await script.WaitForEventAsync("case");
        await script.WaitForEventAsync("done");
        return result;
    }
}
