using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TypedIo.Redis.Cluster;
using TypedIo.Redis.Protocol;
using TypedIo.SocketIo;

namespace TypedIo.Redis.Tests.Interop;

/// <summary>
/// The cluster messages of Node's sharded adapter (TestData/sharded-adapter.json, captured from
/// @socket.io/redis-adapter 8.3.0 createShardedAdapter): each reads as Node reads it and writes back to the same bytes,
/// JSON and msgpack alike; and the messages TypedIo builds from a packet encoded for its clients are Node's bytes.
/// </summary>
public sealed class ShardedMessageTests
{
    private const string File = "sharded-adapter.json";

    public static TheoryData<int> All() => Indexes(_ => true);

    public static TheoryData<int> Broadcasts() => Indexes(m => Type(m) == 3);

    [Theory]
    [MemberData(nameof(All))]
    public void A_captured_message_reads_as_node_reads_it_and_writes_back_to_the_same_bytes(int index)
    {
        var captured = CapturedMessageTests.Load(File)[index];
        var message = ClusterMessageCodec.Decode(captured.Bytes);

        Assert.Equal(Type(captured), (int)message.Type);
        var read = new JsonObject { ["type"] = (int)message.Type };
        if (!message.DataJson.IsEmpty)
            read["data"] = CapturedMessageTests.WithBinary(JsonNode.Parse(message.DataJson.Span), [.. message.Attachments]);
        read["uid"] = message.Uid;
        read["nsp"] = message.Namespace;
        Assert.True(JsonNode.DeepEquals(captured.Decoded, read), $"{captured.Description}\nexpected {captured.Decoded?.ToJsonString()}\n  actual {read.ToJsonString()}");

        var written = ClusterMessageCodec.Encode(message);
        Assert.Equal(captured.Format == "json", written[0] == (byte)'{');
        Assert.Equal(Convert.ToHexString(captured.Bytes), Convert.ToHexString(written));
    }

    [Theory]
    [MemberData(nameof(Broadcasts))]
    public void A_broadcast_built_from_the_packet_this_node_encodes_for_its_clients_is_node_s_bytes(int index)
    {
        var captured = CapturedMessageTests.Load(File)[index];
        var received = ClusterMessageCodec.Decode(captured.Bytes);
        // Encoded once for this node's clients (binary as attachments), then published to the other nodes.
        var packet = received.ReadPacket().Encode(new JsonPacketParser());
        var options = received.ReadOptions();
        var requestId = received.RequestId;

        var data = RedisJson.Write(w =>
        {
            ClusterJson.WritePacket(w, packet);
            if (requestId is not null)
                w.WriteString("requestId"u8, requestId);
            ClusterJson.WriteOptions(w, options);
        });
        var built = new ClusterMessage(ClusterMessageType.Broadcast, received.Uid, received.Namespace, data, ClusterJson.Attachments(packet));

        var bytes = ClusterMessageCodec.Encode(built);
        if (options.Rooms.Count <= 1 && options.Except.Count <= 1)
        {
            Assert.Equal(Convert.ToHexString(captured.Bytes), Convert.ToHexString(bytes));
            return;
        }
        // Several rooms: TypedIo's BroadcastOptions hold them as a set, whose order is not the order of the calls.
        Assert.Equal(captured.Bytes.Length, bytes.Length);
        var again = ClusterMessageCodec.Decode(bytes);
        Assert.Equal(received.DataJson.Length, again.DataJson.Length);
        Assert.Equal(options.Rooms.Order(StringComparer.Ordinal), again.ReadOptions().Rooms.Order(StringComparer.Ordinal));
        Assert.Equal(options.Except.Order(StringComparer.Ordinal), again.ReadOptions().Except.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_server_side_emit_built_from_its_arguments_is_node_s_bytes()
    {
        var captured = CapturedMessageTests.Load(File).First(m => Type(m) == 9 && m.Decoded!["data"]!["requestId"] is null);
        var parser = new JsonPacketParser();
        var packet = parser.EncodeEvent("/", "hello", [1, "two"]);
        var data = RedisJson.Write(w =>
        {
            w.WritePropertyName("packet"u8);
            w.WriteRawValue(packet.Data.Span);
        });
        var built = new ClusterMessage(ClusterMessageType.ServerSideEmit, captured.Decoded!["uid"]!.GetValue<string>(), "/", data);

        Assert.Equal(Encoding.UTF8.GetString(captured.Bytes), Encoding.UTF8.GetString(ClusterMessageCodec.Encode(built)));
    }

    [Fact]
    public void The_test_data_holds_every_message_type_of_the_sharded_adapter_in_both_formats()
    {
        var messages = CapturedMessageTests.Load(File);
        foreach (var type in new[] { 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 })
            Assert.Contains(messages, m => Type(m) == type);
        Assert.Contains(messages, m => m.Format == "msgpack");
        Assert.Contains(messages, m => m.Format == "json");
        Assert.Equal(24, messages.Count);
    }

    private static int Type(CapturedMessageTests.Captured message) => message.Decoded!["type"]!.GetValue<int>();

    private static TheoryData<int> Indexes(Func<CapturedMessageTests.Captured, bool> filter)
    {
        var data = new TheoryData<int>();
        var messages = CapturedMessageTests.Load(File);
        for (var i = 0; i < messages.Count; i++)
        {
            if (filter(messages[i]))
                data.Add(i);
        }
        return data;
    }
}
