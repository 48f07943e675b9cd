using System.Buffers;
using SharpFuzz;
using TypedIo.EngineIo;
using TypedIo.SocketIo;

// libFuzzer-driven harness of the packet decoders (benchmarks/sharpfuzz.sh builds and runs it): the same calls as
// tests/TypedIo.Tests/Hardening/ParserFuzzTests, with coverage feedback from the SharpFuzz-instrumented TypedIo.dll.
// Any exception escaping a decoder is a crash libFuzzer records with its input.
// Instrumented code may run only inside Run (before it, the coverage memory is not mapped): the parser is made there.
JsonPacketParser? parser = null;
// Rented, as the polling transport does: Split returns the array to the pool when it grows it.
var ranges = ArrayPool<Range>.Shared.Rent(8);
Fuzzer.LibFuzzer.Run(span =>
{
    parser ??= new JsonPacketParser();
    var input = span.ToArray();
    if (EnginePacketDecoder.TryDecodeText(input, out var decoded) && decoded.IsBase64Binary
        && EnginePacketDecoder.TryDecodeBase64(input.AsSpan(decoded.DataOffset), out var rented, out _))
        ArrayPool<byte>.Shared.Return(rented);

    var packets = PollingPayload.Split(input, ref ranges);
    if (packets < 0 || packets > input.Length + 1)
        throw new InvalidOperationException($"the payload splitter found {packets} packets in {input.Length} bytes");

    // As a Socket.IO packet, then the same decoder fed an attachment and further text: its state must stay consistent.
    var decoder = parser.CreateDecoder();
    Check(decoder.Decode(new EngineMessage(input, false), out var packet, out var error), packet, error);
    Check(decoder.Decode(new EngineMessage(input, true), out packet, out error), packet, error);
    Check(decoder.Decode(new EngineMessage(input, false), out packet, out error), packet, error);
});

static void Check(PacketDecodeStatus status, SocketPacket? packet, string? error)
{
    switch (status)
    {
        case PacketDecodeStatus.Packet when packet is null || !packet.Namespace.StartsWith('/'):
            throw new InvalidOperationException("a decoded packet without a namespace");
        case PacketDecodeStatus.Packet:
            _ = packet.EventName;
            break;
        case PacketDecodeStatus.NeedMore when packet is not null:
            throw new InvalidOperationException("NeedMore with a packet");
        case PacketDecodeStatus.Error when error is null:
            throw new InvalidOperationException("an error without its reason");
    }
}
