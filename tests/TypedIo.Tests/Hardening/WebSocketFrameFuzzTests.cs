using System.Globalization;
using System.Text;
using TypedIo.EngineIo;
using TypedIo.Tests.EngineIo;

namespace TypedIo.Tests.Hardening;

/// <summary>
/// Random streams of client frames fed to <see cref="WebSocketFrameReader"/> in reads split at random points: legal
/// messages (text with multi-byte characters and binary, whole or in fragments with pings and pongs between), and in
/// some streams one thing that breaks the rules (a reserved bit or opcode, no mask, an oversized control frame, a
/// length over the limit, invalid UTF-8, a close code no peer may send) followed by garbage. Invariant: no exception,
/// the messages delivered are exactly the legal ones before the bad one, and the close code is the one its rule gives.
/// Deterministic: the seed is the stream's index. <c>TYPEDIO_FUZZ_COUNT</c> sets the number of streams (default 3,000).
/// </summary>
public sealed class WebSocketFrameFuzzTests
{
    private const int MaxPayload = 2000;

    [Fact]
    public void Random_frame_streams_deliver_the_legal_prefix_and_refuse_with_the_rules_code()
    {
        var count = int.TryParse(Environment.GetEnvironmentVariable("TYPEDIO_FUZZ_COUNT"), CultureInfo.InvariantCulture, out var n) ? n : 3000;
        for (var seed = 0; seed < count; seed++)
        {
            var random = new Random(seed);
            var (bytes, messages, code) = Generate(random);
            var splits = Enumerable.Range(0, random.Next(0, 10)).Select(_ => random.Next(1, bytes.Length)).Order().ToArray();
            var reader = new WebSocketFrameReader(MaxPayload);

            var found = WebSocketFrameReaderTests.Feed(ref reader, bytes, splits);

            var delivered = found.Where(f => f.Event is FrameEvent.Text or FrameEvent.Binary)
                .Select(f => (f.Event == FrameEvent.Binary, Convert.ToHexString(f.Payload)));
            Assert.True(messages.SequenceEqual(delivered), $"seed {seed}: the messages delivered differ");
            var refused = found.LastOrDefault(f => f.Event == FrameEvent.Refused)?.CloseCode ?? 0;
            Assert.True(code == refused, $"seed {seed}: closed with {refused}, expected {code}");
            reader.Release();
        }
    }

    private static (byte[] Bytes, List<(bool Binary, string Hex)> Messages, int Code) Generate(Random random)
    {
        var bytes = new List<byte>();
        var messages = new List<(bool, string)>();
        for (var items = random.Next(1, 8); items > 0; items--)
        {
            if (random.Next(3) == 0)
            {
                bytes.AddRange(RawFrameConnection.Frame(random.Next(2) == 0 ? 0x9 : 0xA, RandomBytes(random, random.Next(0, 126))));
                continue;
            }
            var binary = random.Next(2) == 0;
            var payload = binary ? RandomBytes(random, random.Next(0, 400)) : Encoding.UTF8.GetBytes(RandomText(random, random.Next(0, 150)));
            AddFragmented(random, bytes, binary ? 0x2 : 0x1, payload);
            messages.Add((binary, Convert.ToHexString(payload)));
        }
        var code = 0;
        if (random.Next(3) > 0)
        {
            code = AddBreach(random, bytes);
            bytes.AddRange(RandomBytes(random, random.Next(0, 20))); // nothing after the refused byte is read
        }
        return ([.. bytes], messages, code);
    }

    /// <summary>A message in one to three fragments, each possibly followed by a ping or a pong.</summary>
    private static void AddFragmented(Random random, List<byte> bytes, int opcode, byte[] payload)
    {
        var fragments = random.Next(1, 4);
        var at = 0;
        for (var i = 0; i < fragments; i++)
        {
            var last = i == fragments - 1;
            var end = last ? payload.Length : random.Next(at, payload.Length + 1);
            bytes.AddRange(RawFrameConnection.Frame(i == 0 ? opcode : 0x0, payload.AsSpan(at, end - at), fin: last));
            at = end;
            if (!last && random.Next(2) == 0)
                bytes.AddRange(RawFrameConnection.Frame(0x9, "p"u8));
        }
    }

    /// <summary>Adds one thing that breaks a rule; returns the close code it must get.</summary>
    private static int AddBreach(Random random, List<byte> bytes)
    {
        switch (random.Next(8))
        {
            case 0: bytes.Add((byte)(0x81 | (0x10 << random.Next(3)))); return 1002; // RSV1, 2 or 3
            case 1: bytes.Add((byte)(0x80 | random.Next(3, 8))); return 1002;        // a reserved data opcode
            case 2: bytes.AddRange([0x82, (byte)random.Next(0, 126)]); return 1002;   // no mask
            case 3: bytes.AddRange([0x89, 0xFE]); return 1002;                       // a ping longer than 125
            case 4: bytes.AddRange([0x82, 0xFE, MaxPayload >> 8, (MaxPayload + 1) & 0xFF]); return 1009;
            case 5: bytes.AddRange(RawFrameConnection.Frame(0x1, [0x34, 0xC0, 0x80])); return 1007;
            case 6: bytes.AddRange(RawFrameConnection.Frame(0x8, [0x03, 0xEE])); return 1002; // 1006
            default: bytes.Add(0x80); return 1002;                                   // a continuation of nothing
        }
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static string RandomText(Random random, int length)
    {
        string[] pieces = ["a", "4", " ", "é", "€", "😀", "\"", "\n"];
        var text = new StringBuilder();
        for (var i = 0; i < length; i++)
            text.Append(pieces[random.Next(pieces.Length)]);
        return text.ToString();
    }
}
