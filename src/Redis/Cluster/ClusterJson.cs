using System.Text.Json;
using TypedIo.Redis.Protocol;
using TypedIo.SocketIo;

namespace TypedIo.Redis.Cluster;

/// <summary>The <c>data</c> fields of cluster messages, written with socket.io-adapter's key order.</summary>
internal static class ClusterJson
{
    /// <summary><c>opts</c>: <c>{rooms, except, flags}</c>, flags holding only what is set (<c>{}</c> for none).</summary>
    public static void WriteOptions(Utf8JsonWriter writer, BroadcastOptions options)
    {
        writer.WriteStartObject("opts"u8);
        RedisJson.WriteStrings(writer, "rooms"u8, options.Rooms);
        RedisJson.WriteStrings(writer, "except"u8, options.Except);
        writer.WriteStartObject("flags"u8);
        if ((options.Flags & BroadcastFlags.Volatile) != 0)
            writer.WriteBoolean("volatile"u8, true);
        if ((options.Flags & BroadcastFlags.NoCompress) != 0)
            writer.WriteBoolean("compress"u8, false);
        if (options.Timeout is { } timeout)
        {
            var ms = timeout.TotalMilliseconds;
            if (ms == Math.Floor(ms) && Math.Abs(ms) < 9007199254740992d)
                writer.WriteNumber("timeout"u8, (long)ms);
            else
                writer.WriteNumber("timeout"u8, ms);
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary><c>packet</c>: the socket.io packet object <c>{type, data}</c> (the plain type; binary as placeholders into the packet's attachments).</summary>
    public static void WritePacket(Utf8JsonWriter writer, EncodedPacket packet)
    {
        if (packet.Type is not { } type)
            throw new ArgumentException("The cluster adapters need packets encoded by the JsonPacketParser.", nameof(packet));
        writer.WriteStartObject("packet"u8);
        writer.WriteNumber("type"u8, (int)(type switch
        {
            SocketPacketType.BinaryEvent => SocketPacketType.Event,
            SocketPacketType.BinaryAck => SocketPacketType.Ack,
            _ => type,
        }));
        if (!packet.Data.IsEmpty)
        {
            writer.WritePropertyName("data"u8);
            writer.WriteRawValue(packet.Data.Span, skipInputValidation: true);
        }
        writer.WriteEndObject();
    }

    /// <summary>The attachments of <paramref name="packet"/>, which its placeholders refer to.</summary>
    public static ReadOnlyMemory<byte>[] Attachments(EncodedPacket packet)
    {
        var attachments = new ReadOnlyMemory<byte>[packet.AttachmentCount];
        for (var i = 0; i < attachments.Length; i++)
            attachments[i] = packet.GetAttachment(i);
        return attachments;
    }

    /// <summary>The attachments of socket arguments.</summary>
    public static ReadOnlyMemory<byte>[] Attachments(SocketArgs args)
    {
        var attachments = new ReadOnlyMemory<byte>[args.Attachments.Count];
        for (var i = 0; i < attachments.Length; i++)
            attachments[i] = args.Attachments[i];
        return attachments;
    }
}
