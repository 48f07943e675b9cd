using System.Text;
using TypedIo.EngineIo;

namespace TypedIo.Tests.EngineIo;

/// <summary>
/// <see cref="WebSocketFrameReader"/> on its own, fed the bytes of client frames split at every byte boundary: whole
/// messages come out (unmasked, fragments put together, control frames between fragments answered in their place),
/// the rules refuse on the byte that breaks them with every earlier message still delivered, text and close payloads
/// are checked (1007, 1002), and nothing is held between messages.
/// </summary>
public sealed class WebSocketFrameReaderTests
{
    /// <summary>What one event carried, copied out (a payload is valid only until the next call).</summary>
    internal sealed record Found(FrameEvent Event, byte[] Payload, int CloseCode)
    {
        public string Text => Encoding.UTF8.GetString(Payload);

        public override string ToString() => $"{Event} {Text} {CloseCode}";
    }

    [Fact]
    public void A_message_split_at_every_byte_boundary_is_read_whole()
    {
        foreach (var text in new[] { "4hello", "4" + new string('é', 150) }) // a 7-bit and a 16-bit length
        {
            var frame = RawFrameConnection.TextFrame(text);
            for (var split = 1; split < frame.Length; split++)
            {
                var reader = new WebSocketFrameReader(maxPayload: 1000);
                var found = Feed(ref reader, frame, [split]);
                Assert.Equal([(FrameEvent.Text, text)], found.Select(f => (f.Event, f.Text)));
                Assert.True(reader.IsEmpty, $"split at {split}: something held after the message");
            }
        }
    }

    [Fact]
    public void A_fragmented_message_with_a_ping_between_split_at_every_byte_boundary_is_read_whole()
    {
        byte[] bytes =
        [
            .. RawFrameConnection.TextFrame("4frag", fin: false),
            .. RawFrameConnection.Frame(0x9, "ping?"u8),
            .. RawFrameConnection.Frame(0xA, "pong"u8),
            .. RawFrameConnection.Frame(0x0, [], fin: false),
            .. RawFrameConnection.TextFrame("ments ✓", opcode: 0x0),
        ];
        for (var first = 1; first < bytes.Length; first++)
        {
            // Two splits: every boundary, and the next one three bytes on (a header read in three parts).
            var reader = new WebSocketFrameReader(maxPayload: 1000);
            var found = Feed(ref reader, bytes, [first, Math.Min(first + 3, bytes.Length)]);
            Assert.Equal([(FrameEvent.Ping, "ping?"), (FrameEvent.Text, "4fragments ✓")], found.Select(f => (f.Event, f.Text)));
            Assert.True(reader.IsEmpty);
        }
    }

    [Fact]
    public void Several_messages_in_one_read_and_one_byte_per_read_come_out_in_order()
    {
        var binary = Enumerable.Range(0, 300).Select(i => (byte)i).ToArray();
        byte[] bytes =
        [
            .. RawFrameConnection.TextFrame("4one"),
            .. RawFrameConnection.Frame(0x2, binary),
            .. RawFrameConnection.TextFrame(""),
            .. RawFrameConnection.TextFrame("4three"),
        ];
        foreach (var splits in new[] { Array.Empty<int>(), Enumerable.Range(1, bytes.Length - 1).ToArray() })
        {
            var reader = new WebSocketFrameReader(maxPayload: 1000);
            var found = Feed(ref reader, bytes, splits);
            Assert.Equal([FrameEvent.Text, FrameEvent.Binary, FrameEvent.Text, FrameEvent.Text], found.Select(f => f.Event));
            Assert.Equal(["4one", "", "4three"], found.Where(f => f.Event == FrameEvent.Text).Select(f => f.Text));
            Assert.Equal(binary, found[1].Payload);
        }
    }

    [Fact]
    public void Messages_before_a_byte_that_breaks_the_rules_are_delivered_then_it_is_refused()
    {
        byte[] bytes = [.. RawFrameConnection.TextFrame("4first"), .. RawFrameConnection.TextFrame("4second"), 0xC1];
        var reader = new WebSocketFrameReader(maxPayload: 1000);

        var found = Feed(ref reader, bytes, []);

        Assert.Equal(
            [(FrameEvent.Text, "4first", 0), (FrameEvent.Text, "4second", 0), (FrameEvent.Refused, "", 1002)],
            found.Select(f => (f.Event, f.Text, f.CloseCode)));
    }

    [Fact]
    public void The_size_limit_counts_every_fragment()
    {
        byte[] bytes =
        [
            .. RawFrameConnection.Frame(0x2, new byte[60], fin: false),
            .. RawFrameConnection.Frame(0x0, new byte[40]),
            .. RawFrameConnection.Frame(0x2, new byte[60], fin: false),
            .. RawFrameConnection.Frame(0x0, new byte[41]),
        ];
        var reader = new WebSocketFrameReader(maxPayload: 100);

        var found = Feed(ref reader, bytes, []);

        Assert.Equal([(FrameEvent.Binary, 0), (FrameEvent.Refused, 1009)], found.Select(f => (f.Event, f.CloseCode)));
    }

    [Theory]
    [InlineData(new byte[] { 0x34, 0xC0, 0x80 }, "an overlong encoding")]
    [InlineData(new byte[] { 0x34, 0xED, 0xA0, 0x80 }, "a surrogate")]
    [InlineData(new byte[] { 0x34, 0xFF }, "a byte never in UTF-8")]
    [InlineData(new byte[] { 0x34, 0xE2, 0x82 }, "a character cut short at the end")]
    public void Invalid_UTF8_in_a_text_message_is_refused_with_1007(byte[] payload, string what)
    {
        var reader = new WebSocketFrameReader(maxPayload: 1000);

        var found = Feed(ref reader, RawFrameConnection.Frame(0x1, payload), []);

        Assert.True(found is [{ Event: FrameEvent.Refused, CloseCode: 1007 }], what);
    }

    [Fact]
    public void A_character_split_between_fragments_is_valid_and_binary_is_not_checked()
    {
        var euro = "€"u8.ToArray(); // three bytes: the first fragment ends inside it
        byte[] bytes =
        [
            .. RawFrameConnection.Frame(0x1, [0x34, euro[0]], fin: false),
            .. RawFrameConnection.Frame(0x0, euro.AsSpan(1)),
            .. RawFrameConnection.Frame(0x2, [0xFF, 0xC0]),
        ];
        var reader = new WebSocketFrameReader(maxPayload: 1000);

        var found = Feed(ref reader, bytes, []);

        Assert.Equal([(FrameEvent.Text, "4€"), (FrameEvent.Binary, Encoding.UTF8.GetString([0xFF, 0xC0]))], found.Select(f => (f.Event, f.Text)));
    }

    [Theory]
    [InlineData(new byte[0], 0)]
    [InlineData(new byte[] { 0x03, 0xE8 }, 0)]                    // 1000
    [InlineData(new byte[] { 0x0F, 0xA0, 0x62, 0x79, 0x65 }, 0)]  // 4000 "bye"
    [InlineData(new byte[] { 0x03, 0xE7 }, 1002)]                 // 999
    [InlineData(new byte[] { 0x03, 0xED }, 1002)]                 // 1005: never sent
    [InlineData(new byte[] { 0x13, 0x88 }, 1002)]                 // 5000
    [InlineData(new byte[] { 0x03, 0xE8, 0xFF }, 1007)]           // a reason that is not UTF-8
    public void A_close_frame_is_checked_as_ws_checks_it(byte[] body, int code)
    {
        var expected = code == 0 ? FrameEvent.Close : FrameEvent.Refused;
        var frame = RawFrameConnection.Frame(0x8, body);
        for (var split = 1; split < frame.Length; split++)
        {
            var reader = new WebSocketFrameReader(maxPayload: 1000);
            var found = Feed(ref reader, frame, [split]);
            Assert.Equal([(expected, code)], found.Select(f => (f.Event, f.CloseCode)));
        }
    }

    /// <summary>
    /// Feeds <paramref name="bytes"/> in reads that end at <paramref name="splits"/>, as the transport does, and
    /// returns every event up to the end or the first refusal.
    /// </summary>
    internal static List<Found> Feed(ref WebSocketFrameReader reader, byte[] bytes, int[] splits)
    {
        var found = new List<Found>();
        var start = 0;
        foreach (var end in splits.Append(bytes.Length))
        {
            if (end <= start)
                continue;
            var buffer = reader.ReadBuffer();
            // A read is at most the buffer's size: a longer piece takes several.
            for (var at = start; at < end;)
            {
                var count = Math.Min(end - at, buffer.Length);
                bytes.AsSpan(at, count).CopyTo(buffer.Span);
                reader.Filled(count);
                at += count;
                while (true)
                {
                    var next = reader.Next(out var payload, out var violation);
                    if (next == FrameEvent.NeedMore)
                        break;
                    found.Add(new Found(next, payload.ToArray(), violation is null ? 0 : (int)violation.Status));
                    if (next == FrameEvent.Refused)
                    {
                        reader.Release();
                        return found;
                    }
                }
                if (at < end)
                    buffer = reader.ReadBuffer();
            }
            start = end;
        }
        return found;
    }
}
