using BenchmarkDotNet.Attributes;
using TypedIo.EngineIo;
using TypedIo.SocketIo;

namespace TypedIo.Benchmarks.Micro;

/// <summary>The object argument of <see cref="Packets.Object"/>, as a typed hub parameter declares it.</summary>
public sealed record ChatMessage(string User, string Text, int N, string[] Tags, bool Ok);

/// <summary>
/// A received EVENT up to its bound typed argument: decode, then the typed parameter reads its value, from the packet's
/// bytes (what typed hubs do) or through the packet's JSON tree (what the untyped API builds, and what typed hubs did).
/// </summary>
[MemoryDiagnoser]
public class TypedBindingBenchmarks
{
    private readonly JsonPacketParser _parser = new();
    private readonly HubParameter _text = HubParameter.Of<string>("text", allowsNull: false);
    private readonly HubParameter _message = HubParameter.Of<ChatMessage>("message", allowsNull: false);
    private IPacketDecoder _decoder = null!;

    [GlobalSetup]
    public void Setup() => _decoder = _parser.CreateDecoder();

    [Benchmark(Description = "typed string from bytes: decode + bind")]
    public object? StringFromBytes() => _text.Read(Decode(Packets.Echo), 0);

    [Benchmark(Description = "typed string through the tree: decode + JsonElement + bind")]
    public object? StringThroughTree() => _parser.Deserialize<string>(DecodePacket(Packets.Echo).Data!.Value[1], []);

    [Benchmark(Description = "typed record from bytes: decode + bind")]
    public object? RecordFromBytes() => _message.Read(Decode(Packets.Object), 0);

    [Benchmark(Description = "typed record through the tree: decode + JsonElement + bind")]
    public object? RecordThroughTree() => _parser.Deserialize<ChatMessage>(DecodePacket(Packets.Object).Data!.Value[1], []);

    private SocketArgs Decode(byte[] message) => SocketArgs.OfPacket(DecodePacket(message), _parser);

    private SocketPacket DecodePacket(byte[] message)
    {
        _decoder.Decode(new EngineMessage(message, isBinary: false), out var packet, out _);
        return packet!;
    }
}
