using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using TypedIo.EngineIo;
using TypedIo.SocketIo;

namespace TypedIo.Benchmarks.Micro;

/// <summary>Typical packets of the load generator's scenarios, 64-byte string payloads.</summary>
internal static class Packets
{
    public static readonly string Payload = new('x', 64);

    // Engine.IO message data as the Socket.IO layer receives it (the Engine.IO type digit "4" already removed).
    public static readonly byte[] Echo = Encoding.UTF8.GetBytes($"2[\"echo\",\"{Payload}\"]");
    public static readonly byte[] Ack = Encoding.UTF8.GetBytes($"21[\"ack\",\"{Payload}\"]");
    public static readonly byte[] RoomEmit = Encoding.UTF8.GetBytes($"2[\"room-emit\",\"bench\",\"bc\",\"{Payload}\"]");
    public static readonly byte[] Object = Encoding.UTF8.GetBytes("2[\"echo\",{\"user\":\"alice\",\"text\":\"hello world\",\"n\":42,\"tags\":[\"a\",\"b\"],\"ok\":true}]");
    public static readonly byte[] BinaryHeader = Encoding.UTF8.GetBytes("51-[\"echo\",{\"_placeholder\":true,\"num\":0}]");
    public static readonly byte[] BinaryData = new byte[64];
}

[MemoryDiagnoser]
public class ParserDecodeBenchmarks
{
    private readonly JsonPacketParser _parser = new();
    private IPacketDecoder _decoder = null!;

    [GlobalSetup]
    public void Setup() => _decoder = _parser.CreateDecoder();

    [Benchmark(Description = "decode 42[echo,64 B]")]
    public SocketPacket? DecodeEcho()
    {
        _decoder.Decode(new EngineMessage(Packets.Echo, isBinary: false), out var packet, out _);
        return packet;
    }

    [Benchmark(Description = "decode 421[ack,64 B]")]
    public SocketPacket? DecodeAck()
    {
        _decoder.Decode(new EngineMessage(Packets.Ack, isBinary: false), out var packet, out _);
        return packet;
    }

    [Benchmark(Description = "decode 42[room-emit,room,ev,64 B]")]
    public SocketPacket? DecodeRoomEmit()
    {
        _decoder.Decode(new EngineMessage(Packets.RoomEmit, isBinary: false), out var packet, out _);
        return packet;
    }

    [Benchmark(Description = "decode 42[echo,{object}]")]
    public SocketPacket? DecodeObject()
    {
        _decoder.Decode(new EngineMessage(Packets.Object, isBinary: false), out var packet, out _);
        return packet;
    }

    [Benchmark(Description = "decode 451-[echo,placeholder] + 64 B attachment")]
    public SocketPacket? DecodeBinary()
    {
        _decoder.Decode(new EngineMessage(Packets.BinaryHeader, isBinary: false), out _, out _);
        _decoder.Decode(new EngineMessage(Packets.BinaryData, isBinary: true), out var packet, out _);
        return packet;
    }

    [Benchmark(Description = "decode echo + read EventName")]
    public string? DecodeEchoEventName()
    {
        _decoder.Decode(new EngineMessage(Packets.Echo, isBinary: false), out var packet, out _);
        return packet!.EventName;
    }
}

[MemoryDiagnoser]
public class ParserEncodeBenchmarks
{
    private readonly JsonPacketParser _parser = new();
    private readonly object?[] _stringArgs = [Packets.Payload];
    private object?[] _nodeArgs = null!;
    private object?[] _elementArgs = null!;
    private object?[] _objectElementArgs = null!;
    private readonly object?[] _binaryArgs = [Packets.BinaryData];
    private readonly object?[] _poco = [new ChatMessage("alice", "hello world", 42)];

    [GlobalSetup]
    public void Setup()
    {
        _nodeArgs = [JsonValue.Create(Packets.Payload)];
        using var document = JsonDocument.Parse($"\"{Packets.Payload}\"");
        _elementArgs = [document.RootElement.Clone()];
        using var received = JsonDocument.Parse(Packets.Object.AsMemory(1));
        _objectElementArgs = [received.RootElement[1].Clone()];
    }

    [Benchmark(Description = "encode event, string arg")]
    public EncodedPacket EncodeString() => _parser.EncodeEvent("/", "echo", _stringArgs);

    [Benchmark(Description = "encode event, JsonNode arg (fixture echo)")]
    public EncodedPacket EncodeNode() => _parser.EncodeEvent("/", "echo", _nodeArgs);

    [Benchmark(Description = "encode event, JsonElement arg")]
    public EncodedPacket EncodeElement() => _parser.EncodeEvent("/", "echo", _elementArgs);

    [Benchmark(Description = "encode event, JsonElement object arg")]
    public EncodedPacket EncodeObjectElement() => _parser.EncodeEvent("/", "echo", _objectElementArgs);

    [Benchmark(Description = "encode event, POCO arg")]
    public EncodedPacket EncodePoco() => _parser.EncodeEvent("/", "chat", _poco);

    [Benchmark(Description = "encode ack 431[...], string arg")]
    public EncodedPacket EncodeAck() => _parser.EncodeAck("/", 1, _stringArgs);

    [Benchmark(Description = "encode binary event, byte[64]")]
    public EncodedPacket EncodeBinary() => _parser.EncodeEvent("/", "echo", _binaryArgs);

    public sealed record ChatMessage(string User, string Text, int N);
}

/// <summary>
/// What the fixture's <c>echo</c> handler costs in the parser layer per message, without the transport: decode,
/// turn the arguments into nodes (<c>SocketArgs.ToEmitArgs</c>), encode the reply.
/// </summary>
[MemoryDiagnoser]
public class FixtureEchoPathBenchmarks
{
    private readonly JsonPacketParser _parser = new();
    private IPacketDecoder _decoder = null!;

    [GlobalSetup]
    public void Setup() => _decoder = _parser.CreateDecoder();

    [Benchmark(Description = "echo path: decode → ToNode → encode")]
    public EncodedPacket EchoViaNodes()
    {
        _decoder.Decode(new EngineMessage(Packets.Echo, isBinary: false), out var packet, out _);
        var data = packet!.Data!.Value;
        _ = packet.EventName;
        var args = new object?[data.GetArrayLength() - 1];
        for (var i = 0; i < args.Length; i++)
            args[i] = PacketData.ToNode(data[i + 1], packet.Attachments);
        return _parser.EncodeEvent("/", "echo", args);
    }

    [Benchmark(Description = "echo path: decode → JsonElement → encode")]
    public EncodedPacket EchoViaElements()
    {
        _decoder.Decode(new EngineMessage(Packets.Echo, isBinary: false), out var packet, out _);
        var data = packet!.Data!.Value;
        var args = new object?[data.GetArrayLength() - 1];
        for (var i = 0; i < args.Length; i++)
            args[i] = data[i + 1];
        return _parser.EncodeEvent("/", "echo", args);
    }
}
