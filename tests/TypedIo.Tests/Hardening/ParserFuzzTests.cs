using System.Buffers;
using System.Globalization;
using System.Text;
using TypedIo.EngineIo;
using TypedIo.SocketIo;

namespace TypedIo.Tests.Hardening;

/// <summary>
/// Structured mutation fuzzing of every decoder a client's bytes reach: the Engine.IO packet decoder (text and base64),
/// the polling payload splitter and the Socket.IO packet decoder (header, JSON, binary placeholders and attachments).
/// Valid packets are mutated (truncation, bit flips, inserted and deleted bytes, splices, huge numbers, deep nesting,
/// bad placeholders, bad UTF-8). Invariant: every input is decoded or refused through the decoder's own result,
/// never an exception, and no input allocates more than a bounded amount. Deterministic: the seed is the input index.
/// <c>TYPEDIO_FUZZ_COUNT</c> sets the number of inputs (default 100,000; <c>benchmarks/fuzz.sh</c> runs long campaigns).
/// </summary>
public sealed class ParserFuzzTests
{
    private const long MaxBytesPerInput = 4 * 1024 * 1024;

    private static readonly string[] Seeds =
    [
        "2", "3", "3probe", "4hello", "bAQID", "1", "6", "5",
        "0", "0{\"token\":\"x\"}", "0/admin,{\"a\":1}", "1", "1/admin,",
        "2[\"echo\",1,\"two\",{\"three\":[3]},null,true]", "2/admin,17[\"ask\",{\"q\":\"\\ud800\"}]", "3[\"ok\"]", "312[1,2]",
        "4{\"message\":\"no\"}", "51-[\"file\",{\"_placeholder\":true,\"num\":0}]",
        "52-/admin,9[\"f\",{\"_placeholder\":true,\"num\":1},[{\"_placeholder\":true,\"num\":0}]]",
        "61-7[{\"_placeholder\":true,\"num\":0}]", "2[\"u\",\"\\u00e9\\n\\\"\",1e308,-0.5,9007199254740991]",
    ];

    private static readonly string[] Fragments =
    [
        "99999999999999999999999999", "1e99999", "-", ",", "/", "[", "]", "{", "}", "\"", "\\u", "\\ud800", "_placeholder",
        "{\"_placeholder\":true,\"num\":-1}", "{\"_placeholder\":true,\"num\":99}", "{\"_placeholder\":\"yes\",\"num\":0}",
        "\u001e", "null", "👋", "\u0000",
    ];

    private static readonly byte[][] BadUtf8 = [[0xC0, 0x80], [0xED, 0xA0, 0x80], [0xFF], [0xE2, 0x82], [0xF4, 0x90, 0x80, 0x80]];

    [Fact]
    public void Mutated_packets_are_decoded_or_refused_never_thrown_and_allocate_a_bounded_amount()
    {
        var count = int.TryParse(Environment.GetEnvironmentVariable("TYPEDIO_FUZZ_COUNT"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 100_000;
        var start = int.TryParse(Environment.GetEnvironmentVariable("TYPEDIO_FUZZ_START"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s : 0;
        var parser = new JsonPacketParser();
        long maxAllocated = 0;
        var ranges = ArrayPool<Range>.Shared.Rent(8); // as the polling transport: Split returns it to the pool when growing
        for (var i = start; i < start + count; i++)
        {
            var input = Generate(new Random(i));
            var before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                Run(parser, input, ref ranges);
            }
            catch (Exception ex)
            {
                Assert.Fail($"input {i} ({Convert.ToBase64String(input)}) threw {ex}");
            }
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            maxAllocated = Math.Max(maxAllocated, allocated);
            Assert.True(allocated <= MaxBytesPerInput, $"input {i} ({input.Length} bytes) allocated {allocated} bytes");
        }
        // The figure docs/testing.md reports.
        Console.WriteLine($"fuzz: {count} inputs from {start}, 0 failures, max {maxAllocated} bytes allocated per input");
    }

    [Theory]
    [InlineData("51-[\"file\",{\"_placeholde\\ud800r\":true,\"num\":0}]", PacketDecodeStatus.NeedMore)] // found by the fuzzer: threw
    [InlineData("51-[\"file\",{\"\\ud800\":1,\"_placeholder\":true,\"num\":0}]", PacketDecodeStatus.NeedMore)]
    [InlineData("2/admin,17[\"\\ud800ask\",1]", PacketDecodeStatus.Error)] // found by the fuzzer: EventName threw
    [InlineData("2[\"\\u00e9v\",1]", PacketDecodeStatus.Packet)]
    public void Inputs_the_fuzzer_found_are_decoded_or_refused(string text, PacketDecodeStatus expected)
    {
        var status = new JsonPacketParser().CreateDecoder().Decode(new EngineMessage(Encoding.UTF8.GetBytes(text), false), out var packet, out var error);
        Assert.Equal(expected, status);
        Check(status, packet, error);
    }

    private static void Run(JsonPacketParser parser, byte[] input, ref Range[] ranges)
    {
        if (EnginePacketDecoder.TryDecodeText(input, out var decoded) && decoded.IsBase64Binary
            && EnginePacketDecoder.TryDecodeBase64(input.AsSpan(decoded.DataOffset), out var rented, out _))
            ArrayPool<byte>.Shared.Return(rented);

        var packets = PollingPayload.Split(input, ref ranges);
        Assert.InRange(packets, 0, input.Length + 1);

        // As a Socket.IO packet, then the same decoder fed attachments and further text: state must stay consistent.
        var decoder = parser.CreateDecoder();
        Check(decoder.Decode(new EngineMessage(input, false), out var packet, out var error), packet, error);
        Check(decoder.Decode(new EngineMessage(input, true), out packet, out error), packet, error);
        Check(decoder.Decode(new EngineMessage(input, false), out packet, out error), packet, error);
    }

    private static void Check(PacketDecodeStatus status, SocketPacket? packet, string? error)
    {
        switch (status)
        {
            case PacketDecodeStatus.Packet:
                Assert.NotNull(packet);
                Assert.StartsWith("/", packet.Namespace, StringComparison.Ordinal);
                _ = packet.EventName;
                break;
            case PacketDecodeStatus.NeedMore:
                Assert.Null(packet);
                break;
            default:
                Assert.Equal(PacketDecodeStatus.Error, status);
                Assert.NotNull(error);
                break;
        }
    }

    private static byte[] Generate(Random random)
    {
        var bytes = new List<byte>(Encoding.UTF8.GetBytes(Seeds[random.Next(Seeds.Length)]));
        var mutations = random.Next(1, 5);
        for (var m = 0; m < mutations; m++)
        {
            switch (random.Next(9))
            {
                case 0 when bytes.Count > 0:
                    var cut = random.Next(bytes.Count + 1);
                    bytes.RemoveRange(cut, bytes.Count - cut);
                    break;
                case 1 when bytes.Count > 0:
                    var at = random.Next(bytes.Count);
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 2:
                    bytes.Insert(random.Next(bytes.Count + 1), (byte)random.Next(256));
                    break;
                case 3 when bytes.Count > 0:
                    bytes.RemoveAt(random.Next(bytes.Count));
                    break;
                case 4:
                    var other = Encoding.UTF8.GetBytes(Seeds[random.Next(Seeds.Length)]);
                    var from = random.Next(other.Length + 1);
                    bytes.InsertRange(random.Next(bytes.Count + 1), other[from..]);
                    break;
                case 5:
                    bytes.InsertRange(random.Next(bytes.Count + 1), Encoding.UTF8.GetBytes(Fragments[random.Next(Fragments.Length)]));
                    break;
                case 6:
                    var depth = random.Next(2) == 0 ? random.Next(1, 80) : random.Next(500, 3000);
                    var position = random.Next(bytes.Count + 1);
                    bytes.InsertRange(position, Enumerable.Repeat((byte)'[', depth));
                    if (random.Next(2) == 0)
                        bytes.InsertRange(Math.Min(bytes.Count, position + depth), Enumerable.Repeat((byte)']', depth));
                    break;
                case 7:
                    bytes.InsertRange(random.Next(bytes.Count + 1), BadUtf8[random.Next(BadUtf8.Length)]);
                    break;
                default:
                    bytes.InsertRange(random.Next(bytes.Count + 1), Encoding.UTF8.GetBytes(new string('9', random.Next(1, 400))));
                    break;
            }
        }
        return [.. bytes];
    }
}
