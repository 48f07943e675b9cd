using System.Buffers;
using System.Text.Json;

namespace TypedIo.EngineIo;

/// <summary>The handshake packet: <c>0</c> + exactly sid, upgrades, pingInterval, pingTimeout, maxPayload.</summary>
internal static class OpenPacket
{
    public static EngineFrame Create(string sid, string[] upgrades, EngineIoOptions options)
    {
        var buffer = new ArrayBufferWriter<byte>(160);
        buffer.GetSpan(1)[0] = (byte)'0';
        buffer.Advance(1);
        using (var writer = new Utf8JsonWriter(buffer))
        {
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
        }
        return EngineFrame.Text(buffer.WrittenSpan.ToArray());
    }
}
