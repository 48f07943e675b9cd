using System.Buffers;
using System.Text;
using MessagePack;
using TypedIo.Redis.Codec;
using TypedIo.SocketIo;

namespace TypedIo.Redis.Tests.Codec;

/// <summary>
/// The seam a Redis adapter reads: an encoded packet describes itself without a copy, and becomes Node's packet object
/// <c>{type, data, nsp}</c> in msgpack; a packet object read back is encoded once for local clients.
/// </summary>
public sealed class PacketDescriptionTests
{
    private readonly JsonPacketParser _parser = new();

    [Fact]
    public void An_encoded_event_describes_its_type_namespace_ack_id_json_and_attachments()
    {
        var packet = _parser.EncodeEvent("/chat", "file", [new { name = "a", data = new byte[] { 1, 2 } }], ackId: 7);

        Assert.Equal(SocketPacketType.BinaryEvent, packet.Type);
        Assert.Equal("/chat", packet.Namespace);
        Assert.Equal(7, packet.AckId);
        Assert.Equal("""["file",{"name":"a","data":{"_placeholder":true,"num":0}}]""", Encoding.UTF8.GetString(packet.Data.Span));
        Assert.Equal(1, packet.AttachmentCount);
        Assert.Equal([1, 2], packet.GetAttachment(0).ToArray());
        // The data is a slice of the frame that goes to clients, not a copy.
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(packet.Data, out var segment));
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(packet.Frames[0].Bytes, out var frame));
        Assert.Same(frame.Array, segment.Array);
        Assert.Equal(SocketPacketType.BinaryEvent, packet.WithoutCompression().Type);
    }

    [Fact]
    public void Frames_built_by_hand_describe_nothing()
    {
        var packet = new EncodedPacket([TypedIo.EngineIo.EngineFrame.Message("2[\"x\"]")]);
        Assert.Null(packet.Type);
        Assert.True(packet.Data.IsEmpty);
    }

    [Fact]
    public void A_packet_becomes_nodes_packet_object_and_back_into_the_same_frames()
    {
        var packet = _parser.EncodeEvent("/", "news", ["hi", new byte[] { 9 }, 1.5]);
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        PacketMessagePack.Write(ref writer, packet);
        writer.Flush();

        // {type: 2, data: ["news", "hi", <Buffer 09>, 1.5], nsp: "/"}: the plain event type, bin inside the data.
        Assert.Equal("83A474797065" + "02" + "A464617461" + "94A46E657773A26869C40109CB3FF8000000000000" + "A36E7370A12F",
            Convert.ToHexString(buffer.WrittenSpan));

        var reader = new MessagePackReader(buffer.WrittenMemory);
        var remote = PacketMessagePack.ReadPacket(ref reader);
        var again = remote.Encode(_parser);
        Assert.Equal(packet.Frames.Select(f => f.ToString()), again.Frames.Select(f => f.ToString()));
        Assert.Equal(packet.GetAttachment(0).ToArray(), again.GetAttachment(0).ToArray());
        Assert.Equal("451-[\"news\",\"hi\",{\"_placeholder\":true,\"num\":0},1.5]", again.Frames[0].ToString());
    }
}
