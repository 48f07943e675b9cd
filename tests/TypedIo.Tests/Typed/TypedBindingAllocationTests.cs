using TypedIo.Tests.Infrastructure;
using System.Text;
using TypedIo.EngineIo;
using TypedIo.SocketIo;

namespace TypedIo.Tests.Typed;

/// <summary>
/// What a typed event costs from the received frame to the bound argument: decode, then the typed parameter reads
/// its value. Bytes allocated on the test's own thread are exact; each figure is an average over many calls.
/// </summary>
public class TypedBindingAllocationTests
{
    private static readonly string Payload = new('x', 64);
    private readonly JsonPacketParser _parser = new();

    [Fact]
    public void Binding_from_bytes_and_through_the_tree_give_the_same_values()
    {
        var decoder = _parser.CreateDecoder();
        var message = new EngineMessage(Encoding.UTF8.GetBytes("""2["e",{"a":[1,2]},"\ud83d\ude00",7,null]"""), isBinary: false);
        decoder.Decode(message, out var packet, out _);
        var args = SocketArgs.OfPacket(packet!, _parser);

        Assert.Equal(4, args.Count);
        Assert.Equal([1, 2], args.Get<Dictionary<string, int[]>>(0)!["a"]);
        Assert.Equal("\U0001F600", args.Get<string>(1));
        Assert.Equal(7, args.Get<int>(2));
        Assert.Null(args.Get<string>(3));
        Assert.False(args.IsParsed);
        Assert.Throws<ArgumentOutOfRangeException>(() => args.Get<int>(4));

        // The untyped API asks for the tree: built once, the same values.
        Assert.Equal("""{"a":[1,2]}""", args[0].GetRawText());
        Assert.True(args.IsParsed);
        Assert.Equal("e", packet!.EventName);
        Assert.Equal(7, args[2].GetInt32());
    }

    [Theory]
    [InlineData("""2["e","\ud800"]""")]                  // a lone surrogate: legal JSON, no .NET string
    [InlineData("""2["e",{"a":1}]""")]                    // an object where a string is expected
    [InlineData("""2["e",[[[[[[[[[[1]]]]]]]]]]]""")]       // nesting deeper than the serializer's own limit (8 here)
    public void A_misfit_fails_the_same_way_from_bytes_and_through_the_tree(string frame)
    {
        var parser = new JsonPacketParser(new System.Text.Json.JsonSerializerOptions { MaxDepth = 8 });
        var decoder = parser.CreateDecoder();
        decoder.Decode(new EngineMessage(Encoding.UTF8.GetBytes(frame), isBinary: false), out var packet, out var error);
        Assert.Null(error);
        var fromBytes = Record.Exception(() => SocketArgs.OfPacket(packet!, parser).Get<string>(0));
        var throughTree = Record.Exception(() => parser.Deserialize<string>(packet!.Data!.Value[1], []));

        Assert.IsType<System.Text.Json.JsonException>(fromBytes);
        Assert.IsType<System.Text.Json.JsonException>(throughTree);
    }

    [Theory]
    [InlineData("""2["e",1""", "invalid JSON payload")]
    [InlineData("""2["e"] x""", "invalid JSON payload")]
    [InlineData("""2[]""", "EVENT payload must be a non-empty array")]
    [InlineData("""2{"e":1}""", "EVENT payload must be a non-empty array")]
    [InlineData("""2[1,"e"]""", "event name must be a string")]
    [InlineData("""2["\udc00"]""", "event name must be well-formed UTF-16")]
    [InlineData("""2["disconnect",1]""", "reserved event name")]
    [InlineData("""2["c\u006fnnect"]""", "reserved event name")]
    public void A_bad_event_payload_is_refused_with_the_reason_the_document_path_gave(string frame, string reason)
    {
        var decoder = _parser.CreateDecoder();
        var status = decoder.Decode(new EngineMessage(Encoding.UTF8.GetBytes(frame), isBinary: false), out var packet, out var error);

        Assert.Equal(PacketDecodeStatus.Error, status);
        Assert.Null(packet);
        Assert.Equal(reason, error);
    }

    [Fact]
    public void An_event_deeper_than_the_parser_limit_is_refused_and_one_at_the_limit_is_not()
    {
        var parser = new JsonPacketParser(options: new JsonPacketParserOptions { MaxDepth = 4 });
        Assert.Equal(PacketDecodeStatus.Packet, parser.CreateDecoder().Decode(new EngineMessage(Encoding.UTF8.GetBytes("""2["e",[[[1]]]]"""), isBinary: false), out _, out _));
        Assert.Equal(PacketDecodeStatus.Error, parser.CreateDecoder().Decode(new EngineMessage(Encoding.UTF8.GetBytes("""2["e",[[[[1]]]]]"""), isBinary: false), out _, out var error));
        Assert.Equal("invalid JSON payload", error);
    }

    [Fact]
    public void Binding_a_typed_string_argument_allocates_no_json_document()
    {
        var decoder = _parser.CreateDecoder();
        var message = new EngineMessage(Encoding.UTF8.GetBytes($"2[\"echo\",\"{Payload}\"]"), isBinary: false);
        var text = HubParameter.Of<string>("text", allowsNull: false);
        SocketArgs? args = null;
        object? bound = null;
        var bytes = AllocationMeter.PerCall(() =>
        {
            decoder.Decode(message, out var packet, out _);
            args = SocketArgs.OfPacket(packet!, _parser);
            bound = text.Read(args, 0);
        });

        Assert.Equal(Payload, bound);
        Assert.False(args!.IsParsed);
        // 472 B: the packet, the arguments with the bytes and their element bounds, and the bound 64-character string
        // (152 B). Through a JsonDocument (parse + clone, then deserializing from the element) it was 608 B.
        Assert.True(bytes <= 480, $"{bytes} B per typed event");
    }

    [Fact]
    public void Re_emitting_arguments_builds_the_tree_once_and_no_element_bounds()
    {
        // The untyped path (params object?[], socket.On handlers) still builds the tree: over the packet's own bytes.
        var decoder = _parser.CreateDecoder();
        var message = new EngineMessage(Encoding.UTF8.GetBytes($"2[\"echo\",\"{Payload}\"]"), isBinary: false);
        object?[]? emitted = null;
        var bytes = AllocationMeter.PerCall(() =>
        {
            decoder.Decode(message, out var packet, out _);
            emitted = SocketArgs.OfPacket(packet!, _parser).ToEmitArgs();
        });

        Assert.Equal(Payload, Assert.IsType<System.Text.Json.JsonElement>(emitted![0]).GetString());
        // 504 B: the packet, the arguments with the bytes, the tree parsed over them, the array and the boxed element:
        // no element bounds.
        Assert.True(bytes <= 520, $"{bytes} B per untyped event");
    }

}
