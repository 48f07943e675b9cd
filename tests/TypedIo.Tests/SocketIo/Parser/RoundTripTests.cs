using System.Text.Json;
using TypedIo.SocketIo;
using static TypedIo.Tests.SocketIo.Parser.ParserTestUtil;

namespace TypedIo.Tests.SocketIo.Parser;

public class RoundTripTests
{
    private readonly JsonPacketParser _parser = new();

    [Theory]
    [InlineData("/", null)]
    [InlineData("/admin", null)]
    [InlineData("/", 0L)]
    [InlineData("/chat", 42L)]
    [InlineData("/ünï", 9007199254740991L)]
    public void Event(string nsp, long? id)
    {
        var packet = DecodeFrames(_parser.EncodeEvent(nsp, "héllo 👋", ["日本語", 1.25, null, new { A = true }], id));
        Assert.Equal(SocketPacketType.Event, packet.Type);
        Assert.Equal(nsp, packet.Namespace);
        Assert.Equal(id, packet.Id);
        Assert.Equal("héllo 👋", packet.EventName);
        Assert.Equal("日本語", packet.Data!.Value[1].GetString());
        Assert.Equal(1.25, packet.Data.Value[2].GetDouble());
        Assert.Equal(JsonValueKind.Null, packet.Data.Value[3].ValueKind);
        Assert.True(packet.Data.Value[4].GetProperty("a").GetBoolean());
        Assert.Equal(5, packet.Data.Value.GetArrayLength());
    }

    [Theory]
    [InlineData("/", 0L)]
    [InlineData("/admin", 123456789012L)]
    public void Ack(string nsp, long id)
    {
        var packet = DecodeFrames(_parser.EncodeAck(nsp, id, ["ok", 3]));
        Assert.Equal(SocketPacketType.Ack, packet.Type);
        Assert.Equal(nsp, packet.Namespace);
        Assert.Equal(id, packet.Id);
        Assert.Equal("[\"ok\",3]", Raw(packet));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/admin")]
    public void Connect(string nsp)
    {
        var packet = DecodeFrames(_parser.EncodeConnect(nsp, new { Sid = "abc" }));
        Assert.Equal(SocketPacketType.Connect, packet.Type);
        Assert.Equal(nsp, packet.Namespace);
        Assert.Equal("{\"sid\":\"abc\"}", Raw(packet));

        var empty = DecodeFrames(_parser.EncodeConnect(nsp, null));
        Assert.Equal(nsp, empty.Namespace);
        Assert.Null(empty.Data);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/admin")]
    public void Connect_error(string nsp)
    {
        var packet = DecodeFrames(_parser.EncodeConnectError(nsp, "unauthorized", new { Retry = false }));
        Assert.Equal(SocketPacketType.ConnectError, packet.Type);
        Assert.Equal(nsp, packet.Namespace);
        Assert.Equal("{\"message\":\"unauthorized\",\"data\":{\"retry\":false}}", Raw(packet));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/admin")]
    public void Disconnect(string nsp)
    {
        var packet = DecodeFrames(_parser.EncodeDisconnect(nsp));
        Assert.Equal(SocketPacketType.Disconnect, packet.Type);
        Assert.Equal(nsp, packet.Namespace);
        Assert.Null(packet.Data);
    }

    [Theory]
    [InlineData("/", null)]
    [InlineData("/files", 77L)]
    public void Binary_event_with_attachments_at_several_depths(string nsp, long? id)
    {
        var top = new byte[] { 1, 2, 3 };
        var nested = new byte[] { 4 };
        var deep = new byte[1000];
        Random.Shared.NextBytes(deep);
        var encoded = _parser.EncodeEvent(nsp, "up", [top, new { Inner = nested, List = new object[] { new { Deep = deep } } }], id);

        var packet = DecodeFrames(encoded);
        Assert.Equal(SocketPacketType.BinaryEvent, packet.Type);
        Assert.Equal(nsp, packet.Namespace);
        Assert.Equal(id, packet.Id);
        Assert.Equal("up", packet.EventName);
        Assert.Equal(3, packet.Attachments.Count);
        Assert.Equal(top, packet.Attachments[0]);
        Assert.Equal(nested, packet.Attachments[1]);
        Assert.Equal(deep, packet.Attachments[2]);
        var data = packet.Data!.Value;
        Assert.Equal(0, data[1].GetProperty("num").GetInt32());
        Assert.Equal(1, data[2].GetProperty("inner").GetProperty("num").GetInt32());
        Assert.Equal(2, data[2].GetProperty("list")[0].GetProperty("deep").GetProperty("num").GetInt32());
    }

    [Fact]
    public void Binary_ack()
    {
        var packet = DecodeFrames(_parser.EncodeAck("/admin", 5, [new ReadOnlyMemory<byte>([7, 7]), "x", new ArraySegment<byte>([8])]));
        Assert.Equal(SocketPacketType.BinaryAck, packet.Type);
        Assert.Equal("/admin", packet.Namespace);
        Assert.Equal(5, packet.Id);
        Assert.Equal(new byte[] { 7, 7 }, packet.Attachments[0]);
        Assert.Equal(new byte[] { 8 }, packet.Attachments[1]);
        Assert.Equal("x", packet.Data!.Value[1].GetString());
    }

    [Fact]
    public void Ten_attachments_pass_the_default_cap()
    {
        var args = new object?[10];
        for (var i = 0; i < args.Length; i++)
            args[i] = new[] { (byte)i };
        var packet = DecodeFrames(_parser.EncodeEvent("/", "many", args));
        Assert.Equal(10, packet.Attachments.Count);
        Assert.Equal(new byte[] { 9 }, packet.Attachments[9]);
    }

    [Fact]
    public void Decoding_and_encoding_again_reproduces_the_text()
    {
        string[] texts =
        [
            "2[\"hello\",1]", "2/admin,[\"x\"]", "213[\"ask\"]", "3/admin,13[true]", "0{\"sid\":\"abc\"}",
            "0/admin,{\"sid\":\"abc\"}", "4{\"message\":\"Invalid namespace\"}", "1/admin,", "1",
        ];
        foreach (var text in texts)
        {
            var packet = Decode(text);
            Assert.Equal("4" + text, Text(Reencode(packet)));
        }
    }

    private EncodedPacket Reencode(SocketPacket packet)
    {
        switch (packet.Type)
        {
            case SocketPacketType.Event:
                var data = packet.Data!.Value;
                var args = new object?[data.GetArrayLength() - 1];
                for (var i = 0; i < args.Length; i++)
                    args[i] = data[i + 1];
                return _parser.EncodeEvent(packet.Namespace, packet.EventName!, args, packet.Id);
            case SocketPacketType.Ack:
                var ack = packet.Data!.Value;
                var values = new object?[ack.GetArrayLength()];
                for (var i = 0; i < values.Length; i++)
                    values[i] = ack[i];
                return _parser.EncodeAck(packet.Namespace, packet.Id!.Value, values);
            case SocketPacketType.Connect:
                return _parser.EncodeConnect(packet.Namespace, packet.Data);
            case SocketPacketType.ConnectError:
                return _parser.EncodeConnectError(packet.Namespace, packet.Data!.Value.GetProperty("message").GetString()!);
            default:
                return _parser.EncodeDisconnect(packet.Namespace);
        }
    }
}
