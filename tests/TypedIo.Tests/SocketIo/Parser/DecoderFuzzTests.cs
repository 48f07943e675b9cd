using System.Text;
using TypedIo.EngineIo;
using TypedIo.SocketIo;

namespace TypedIo.Tests.SocketIo.Parser;

public class DecoderFuzzTests
{
    private static readonly string[] Fragments =
    [
        "0", "1", "2", "3", "4", "5", "6", "7", "-", ",", "/", "/admin", "[", "]", "{", "}", "\"", "\"ev\"", ":", "1e3",
        ".5", "99999999999999999999", "_placeholder", "\"_placeholder\":true", "\"num\":0", "true", "null", " ", "\\",
        "👋", "\u0000", "connect",
    ];

    [Fact]
    public void Random_bytes_never_throw()
    {
        var random = new Random(1234);
        for (var i = 0; i < 5000; i++)
        {
            var bytes = new byte[random.Next(0, 64)];
            random.NextBytes(bytes);
            if (bytes.Length > 0 && random.Next(2) == 0)
                bytes[0] = (byte)('0' + random.Next(7));
            AssertNeverThrows(new EngineMessage(bytes, random.Next(8) == 0));
        }
    }

    [Fact]
    public void Random_packet_like_strings_never_throw()
    {
        var random = new Random(5678);
        var builder = new StringBuilder();
        for (var i = 0; i < 10000; i++)
        {
            builder.Clear();
            var count = random.Next(1, 12);
            for (var j = 0; j < count; j++)
                builder.Append(Fragments[random.Next(Fragments.Length)]);
            AssertNeverThrows(new EngineMessage(Encoding.UTF8.GetBytes(builder.ToString()), false));
        }
    }

    [Fact]
    public void Random_sequences_on_one_decoder_never_throw()
    {
        var random = new Random(91011);
        for (var run = 0; run < 500; run++)
        {
            var decoder = new JsonPacketParser().CreateDecoder();
            for (var step = 0; step < 6; step++)
            {
                var message = random.Next(3) == 0
                    ? new EngineMessage(new byte[random.Next(4)], true)
                    : new EngineMessage(Encoding.UTF8.GetBytes(
                        "5" + random.Next(3) + "-[\"e\",{\"_placeholder\":true,\"num\":" + random.Next(-1, 3) + "}]"), false);
                var status = decoder.Decode(message, out var packet, out var error);
                AssertConsistent(status, packet, error);
            }
        }
    }

    private static void AssertNeverThrows(EngineMessage message)
    {
        var status = new JsonPacketParser().CreateDecoder().Decode(message, out var packet, out var error);
        AssertConsistent(status, packet, error);
    }

    private static void AssertConsistent(PacketDecodeStatus status, SocketPacket? packet, string? error)
    {
        switch (status)
        {
            case PacketDecodeStatus.Packet:
                Assert.NotNull(packet);
                Assert.Null(error);
                Assert.StartsWith("/", packet.Namespace);
                _ = packet.EventName;
                break;
            case PacketDecodeStatus.NeedMore:
                Assert.Null(packet);
                Assert.Null(error);
                break;
            default:
                Assert.Equal(PacketDecodeStatus.Error, status);
                Assert.Null(packet);
                Assert.NotNull(error);
                break;
        }
    }
}
