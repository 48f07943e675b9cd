using TypedIo.Tests.Infrastructure;
using System.Text;
using TypedIo.EngineIo;
using TypedIo.SocketIo;

namespace TypedIo.Tests.SocketIo.Parser;

/// <summary>
/// Upper bounds on what the packet path allocates per message, so an accidental allocation (a writer per packet, a
/// copy, a closure) fails a test instead of waiting for the next benchmark. Bytes allocated on the test's own thread
/// are exact and do not depend on timing; each figure is an average over many calls, so one-time set-up is excluded.
/// </summary>
public class PacketAllocationTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private readonly Xunit.Abstractions.ITestOutputHelper _output = output;

    private static readonly string Payload = new('x', 64);
    private readonly JsonPacketParser _parser = new();

    [Fact]
    public void Encoding_an_event_allocates_the_frame_and_little_else()
    {
        object?[] args = [Payload];
        // 96 B exact frame bytes (42["echo","<64 B>"]), the frame list and the packet: no writer, no scratch buffer.
        var bytes = AllocationMeter.PerCall(() => _parser.EncodeEvent("/", "echo", args));
        Assert.True(bytes <= 200, $"{bytes} B per encode");
    }

    [Fact]
    public void Encoding_an_ack_allocates_the_frame_and_little_else()
    {
        object?[] args = [Payload];
        var bytes = AllocationMeter.PerCall(() => _parser.EncodeAck("/", 12, args));
        Assert.True(bytes <= 200, $"{bytes} B per encode");
    }

    [Fact]
    public void Decoding_an_event_allocates_the_packet_and_its_json()
    {
        var decoder = _parser.CreateDecoder();
        var message = new EngineMessage(Encoding.UTF8.GetBytes($"2[\"echo\",\"{Payload}\"]"), isBinary: false);
        var bytes = AllocationMeter.PerCall(() => decoder.Decode(message, out _, out _));
        // 256 B: the packet, and its arguments (64 B) with a copy of the JSON bytes (no document: it is built when the
        // untyped API asks for it; the arguments are the ones the socket's handlers get, so nothing is made again to
        // dispatch). 280 B while SocketArgs was 88 B.
        Assert.True(bytes <= 260, $"{bytes} B per decode");
    }

    [Fact]
    public void Decoding_an_ack_keeps_its_bytes()
    {
        var decoder = _parser.CreateDecoder();
        var message = new EngineMessage(Encoding.UTF8.GetBytes($"312[\"{Payload}\",{{\"ok\":true}}]"), isBinary: false);
        Assert.Equal(PacketDecodeStatus.Packet, decoder.Decode(message, out var packet, out _));
        Assert.Equal(SocketPacketType.Ack, packet!.Type);
        Assert.Equal(12, packet.Id);
        Assert.Null(packet.EventName);
        Assert.Equal(Payload, packet.Data!.Value[0].GetString());

        var bytes = AllocationMeter.PerCall(() => decoder.Decode(message, out _, out _));
        // 256 B: the packet, and its arguments (64 B) with a copy of the JSON bytes (104 B), as an event's. 448 B before
        // 2026-12-06, when an ACK was parsed into a document and cloned (the clone's bytes, its metadata and the document),
        // and its arguments (then 88 B more) were made from that tree when the socket got it.
        _output.WriteLine($"{bytes} B per decode");
        Assert.True(bytes <= 260, $"{bytes} B per decode");
    }

}
