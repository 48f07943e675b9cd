using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MessagePack;
using TypedIo.Redis.Codec;
using TypedIo.SocketIo;

namespace TypedIo.Redis.Tests.Interop;

/// <summary>
/// TypedIo's msgpack codec against the bytes Node's packages themselves put on Redis (TestData/*.json, recorded once
/// by tests/js/cluster/capture.mjs from @socket.io/redis-adapter 8.3.0, its sharded adapter and
/// @socket.io/redis-emitter 5.1.0): every captured msgpack message reads as Node reads it, and every packet object in
/// them reads to the same packet and writes back to the same bytes.
/// </summary>
public sealed class CapturedMessageTests
{
    public static TheoryData<string, int> MsgpackMessages() => Messages(m => m.Format == "msgpack");

    public static TheoryData<string, int> PacketMessages() => Messages(m => m.PacketPath is not null);

    [Theory]
    [MemberData(nameof(MsgpackMessages))]
    public void A_captured_message_reads_as_node_reads_it(string file, int index)
    {
        var message = Load(file)[index];
        var reader = new MessagePackReader(message.Bytes);
        var attachments = new List<ReadOnlyMemory<byte>>();
        var json = PacketMessagePack.ReadJson(ref reader, attachments);
        Assert.True(reader.End, "trailing bytes");
        AssertSame(message, message.Decoded, WithBinary(JsonNode.Parse(json), attachments));
    }

    [Theory]
    [MemberData(nameof(PacketMessages))]
    public void A_captured_packet_reads_to_the_same_packet_and_writes_back_to_the_same_bytes(string file, int index)
    {
        var message = Load(file)[index];
        var (start, end) = PacketRange(message);
        var packetBytes = message.Bytes.AsMemory(start, end - start);
        var expected = message.Decoded;
        foreach (var step in message.PacketPath!)
            expected = step is int i ? expected![i] : expected![(string)step];

        var reader = new MessagePackReader(packetBytes);
        var packet = PacketMessagePack.ReadPacket(ref reader);
        Assert.True(reader.End);
        Assert.Equal(expected!["type"]!.GetValue<int>(), (int)packet.Type);
        // The sharded adapter's packets carry no nsp (the message around them does).
        Assert.Equal((expected["nsp"] ?? message.Decoded!["nsp"])!.GetValue<string>(), packet.Namespace);
        AssertSame(message, expected["data"], WithBinary(JsonNode.Parse(packet.Json!), packet.Attachments));
        if (expected["nsp"] is null || message.Description.Contains("quirk", StringComparison.Ordinal))
            return; // not the pub/sub packet object; or bytes Node's encoder got wrong (read as Node reads them, above)

        // Encoded once for this node's clients, then written for Redis again: the bytes Node wrote.
        var encoded = packet.Encode(new JsonPacketParser());
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        PacketMessagePack.Write(ref writer, encoded);
        writer.Flush();
        Assert.Equal(Convert.ToHexString(packetBytes.Span), Convert.ToHexString(buffer.WrittenSpan));
    }

    [Fact]
    public void The_test_data_holds_every_message_kind()
    {
        var pubsub = Load("pubsub-adapter.json");
        var channels = pubsub.Select(m => m.Channel).ToHashSet();
        Assert.Contains("socket.io#/#", channels);
        Assert.Contains("socket.io#/#room1#", channels);
        Assert.Contains("socket.io#/admin#", channels);
        Assert.Contains("socket.io-request#/#", channels);
        Assert.Contains("socket.io-response#/#", channels);
        Assert.Contains(channels, c => c.StartsWith("socket.io-response#/#", StringComparison.Ordinal) && c.Length > "socket.io-response#/#".Length);
        // Request types 1..7 and response types 8 (client count) and 9 (ack) of the pub/sub adapter.
        var types = pubsub.Select(m => m.Decoded is JsonObject o && o["type"] is JsonValue t ? t.GetValue<int>() : -1).ToHashSet();
        foreach (var type in new[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 })
            Assert.Contains(type, types);
        Assert.Contains(Load("emitter.json"), m => m.PacketPath is not null);
        Assert.Contains(Load("sharded-adapter.json"), m => m.Format == "msgpack");
    }

    private static void AssertSame(Captured message, JsonNode? expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(expected, actual),
            $"{message.Description} ({message.Channel})\nexpected {expected?.ToJsonString()}\n  actual {actual?.ToJsonString()}");

    /// <summary>Placeholders replaced by <c>{"$bin": base64}</c>, as the capture describes binary.</summary>
    internal static JsonNode? WithBinary(JsonNode? node, IReadOnlyList<ReadOnlyMemory<byte>> attachments)
    {
        switch (node)
        {
            case JsonObject o when o.Count == 2 && o["_placeholder"] is JsonValue p && p.GetValueKind() == JsonValueKind.True && o["num"] is JsonValue n:
                return new JsonObject { ["$bin"] = Convert.ToBase64String(attachments[n.GetValue<int>()].Span) };
            case JsonObject o:
                var copy = new JsonObject();
                foreach (var (key, value) in o)
                    copy[key] = WithBinary(value?.DeepClone(), attachments);
                return copy;
            case JsonArray a:
                return new JsonArray([.. a.Select(v => WithBinary(v?.DeepClone(), attachments))]);
            default:
                return node?.DeepClone();
        }
    }

    /// <summary>Where the packet object sits in the message: [uid, packet, opts] or {..., packet: {...}}.</summary>
    private static (int Start, int End) PacketRange(Captured message)
    {
        var reader = new MessagePackReader(message.Bytes);
        foreach (var step in message.PacketPath!)
        {
            if (step is int index)
            {
                reader.ReadArrayHeader();
                for (var i = 0; i < index; i++)
                    reader.Skip();
            }
            else
            {
                var count = reader.ReadMapHeader();
                for (var i = 0; i < count; i++)
                {
                    if (reader.ReadString() == (string)step)
                        break;
                    reader.Skip();
                }
            }
        }
        var start = (int)reader.Consumed;
        reader.Skip();
        return (start, (int)reader.Consumed);
    }

    private static TheoryData<string, int> Messages(Func<Captured, bool> filter)
    {
        var data = new TheoryData<string, int>();
        foreach (var file in new[] { "pubsub-adapter.json", "emitter.json", "sharded-adapter.json" })
        {
            var messages = Load(file);
            for (var i = 0; i < messages.Count; i++)
            {
                if (filter(messages[i]))
                    data.Add(file, i);
            }
        }
        return data;
    }

    private static readonly Dictionary<string, List<Captured>> Cache = [];

    internal static List<Captured> Load(string file)
    {
        lock (Cache)
        {
            if (Cache.TryGetValue(file, out var cached))
                return cached;
            var root = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", file)))!;
            var list = root["messages"]!.AsArray().Select(m => new Captured(
                m!["description"]!.GetValue<string>(),
                m["channel"]!.GetValue<string>(),
                m["format"]!.GetValue<string>(),
                Convert.FromBase64String(m["base64"]!.GetValue<string>()),
                m["decoded"])).ToList();
            return Cache[file] = list;
        }
    }

    internal sealed record Captured(string Description, string Channel, string Format, byte[] Bytes, JsonNode? Decoded)
    {
        /// <summary>The path to a packet object in a msgpack message: a broadcast [uid, packet, opts], a BROADCAST request, a sharded BROADCAST.</summary>
        public object[]? PacketPath => Format != "msgpack" ? null : Decoded switch
        {
            JsonArray { Count: 3 } => [1],
            // A packet object has a type; a broadcast ack response's "packet" is the client's answer.
            JsonObject o when o["packet"] is JsonObject p && p.ContainsKey("type") => ["packet"],
            JsonObject o when o["data"] is JsonObject d && d["packet"] is JsonObject p && p.ContainsKey("type") => ["data", "packet"],
            _ => null,
        };

        public override string ToString() => Description;
    }
}
