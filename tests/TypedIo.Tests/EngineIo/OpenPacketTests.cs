using System.Text;
using TypedIo.EngineIo;

namespace TypedIo.Tests.EngineIo;

public sealed class OpenPacketTests
{
    [Fact]
    public void Open_packet_has_exactly_the_five_keys_with_the_option_values()
    {
        var options = new EngineIoOptions
        {
            PingInterval = TimeSpan.FromMilliseconds(1234),
            PingTimeout = TimeSpan.FromMilliseconds(567),
            MaxHttpBufferSize = 4321,
        };
        var frame = OpenPacket.Create("abcdefghijklmnopqrst", ["websocket"], options);
        var text = Encoding.UTF8.GetString(frame.Bytes.Span);
        Assert.False(frame.IsBinary);

        var open = EioTestUtil.ParseOpen(text);
        Assert.Equal(["sid", "upgrades", "pingInterval", "pingTimeout", "maxPayload"], open.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal("abcdefghijklmnopqrst", open.GetProperty("sid").GetString());
        Assert.Equal(["websocket"], EioTestUtil.Upgrades(open));
        Assert.Equal(1234, open.GetProperty("pingInterval").GetInt64());
        Assert.Equal(567, open.GetProperty("pingTimeout").GetInt64());
        Assert.Equal(4321, open.GetProperty("maxPayload").GetInt64());
    }

    [Fact]
    public void Open_packet_defaults_are_those_of_node()
    {
        var frame = OpenPacket.Create("s", [], new EngineIoOptions());
        Assert.Equal("""0{"sid":"s","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}""", frame.ToString());
    }

    [Fact]
    public void Open_packet_is_one_array_with_its_WebSocket_header_in_front()
    {
        var options = new EngineIoOptions();
        _ = OpenPacket.Create("abcdefghijklmnopqrst", [], options); // the thread's JSON buffer and writer, made once

        var before = GC.GetAllocatedBytesForCurrentThread();
        var frame = OpenPacket.Create("abcdefghijklmnopqrst", [], options);
        var bytes = GC.GetAllocatedBytesForCurrentThread() - before;

        // Framed like every text packet the server encodes: a WebSocket sends the array as it is, no copy behind a header.
        var framed = frame.WebSocketFrame.Span;
        Assert.Equal(2 + frame.Bytes.Length, framed.Length);
        Assert.Equal(new byte[] { 0x81, (byte)frame.Bytes.Length }, framed[..2].ToArray());
        Assert.Equal("""0{"sid":"abcdefghijklmnopqrst","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}""", frame.ToString());
        // The frame's array (24 B of object header and length + the bytes, rounded up to 8: 136 B) is all; 928 B before
        // (a buffer writer with its 160 B array, a Utf8JsonWriter with its own state, the packet copied out).
        Assert.True(bytes <= 24 + ((framed.Length + 7) & ~7), $"{bytes} B for an open packet");
    }
}

public sealed class SessionIdTests
{
    [Fact]
    public void Session_ids_are_20_url_safe_characters()
    {
        for (var i = 0; i < 200; i++)
        {
            var sid = SessionId.Create();
            Assert.Equal(20, sid.Length);
            Assert.All(sid, c => Assert.True(char.IsAsciiLetterOrDigit(c) || c is '-' or '_', $"'{c}' in {sid}"));
        }
    }

    [Fact]
    public void Session_ids_are_distinct()
    {
        var ids = Enumerable.Range(0, 10_000).Select(_ => SessionId.Create()).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(10_000, ids.Count);
    }
}
