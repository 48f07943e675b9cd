using System.Buffers;
using System.Text.Json;

namespace TypedIo.EngineIo;

/// <summary>The handshake packet: <c>0</c> + exactly sid, upgrades, pingInterval, pingTimeout, maxPayload.</summary>
internal static class OpenPacket
{
    // The JSON is written into a buffer and a writer kept per thread, then copied once into the packet's own array,
    // WebSocket frame header in front (EngineFrame.NewText): a session's open packet allocates that array alone, and a
    // WebSocket sends it as it is, without copying it behind a header.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_json;
    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    public static EngineFrame Create(string sid, string[] upgrades, EngineIoOptions options)
    {
        var json = t_json ??= new ArrayBufferWriter<byte>(160);
        json.ResetWrittenCount();
        var writer = t_writer ??= new Utf8JsonWriter(json);
        writer.Reset(json);
        writer.WriteStartObject();
        writer.WriteString("sid"u8, sid);
        writer.WriteStartArray("upgrades"u8);
        foreach (var upgrade in upgrades)
            writer.WriteStringValue(upgrade);
        writer.WriteEndArray();
        writer.WriteNumber("pingInterval"u8, (long)options.PingInterval.TotalMilliseconds);
        writer.WriteNumber("pingTimeout"u8, (long)options.PingTimeout.TotalMilliseconds);
        writer.WriteNumber("maxPayload"u8, options.MaxHttpBufferSize);
        writer.WriteEndObject();
        writer.Flush();

        var frame = EngineFrame.NewText(1 + json.WrittenCount, out var packet);
        packet[0] = (byte)'0';
        json.WrittenSpan.CopyTo(packet[1..]);
        return frame;
    }
}
