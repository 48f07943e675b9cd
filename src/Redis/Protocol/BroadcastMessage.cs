using System.Buffers;
using MessagePack;
using TypedIo.Redis.Codec;
using TypedIo.SocketIo;

namespace TypedIo.Redis.Protocol;

/// <summary>
/// The msgpack messages that carry packets: a broadcast <c>[uid, packet, {rooms, except, flags}]</c> on the broadcast
/// channels, a BROADCAST request <c>{uid, requestId, type: 7, packet, opts}</c> and a BROADCAST_ACK response
/// <c>{type: 9, requestId, packet}</c>; key order as Node's adapter and emitter write them.
/// </summary>
internal static class BroadcastMessage
{
    /// <summary>A broadcast as the adapter writes it (opts <c>{rooms, except, flags}</c>), or as the emitter does (<c>{rooms, flags, except}</c>).</summary>
    public static byte[] EncodeBroadcast(string uid, EncodedPacket packet, BroadcastOptions options, bool emitterOrder = false)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(3);
        writer.Write(uid);
        PacketMessagePack.Write(ref writer, packet);
        writer.WriteMapHeader(3);
        writer.Write("rooms");
        WriteRooms(ref writer, options.Rooms);
        if (emitterOrder)
        {
            writer.Write("flags");
            WriteFlags(ref writer, options);
            writer.Write("except");
            WriteRooms(ref writer, options.Except);
        }
        else
        {
            writer.Write("except");
            WriteRooms(ref writer, options.Except);
            writer.Write("flags");
            WriteFlags(ref writer, options);
        }
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] EncodeBroadcastRequest(string uid, string requestId, EncodedPacket packet, BroadcastOptions options)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        var writer = new MessagePackWriter(buffer);
        writer.WriteMapHeader(5);
        writer.Write("uid");
        writer.Write(uid);
        writer.Write("requestId");
        writer.Write(requestId);
        writer.Write("type");
        writer.Write((int)RedisRequestType.Broadcast);
        writer.Write("packet");
        PacketMessagePack.Write(ref writer, packet);
        writer.Write("opts");
        writer.WriteMapHeader(3);
        writer.Write("rooms");
        WriteRooms(ref writer, options.Rooms);
        writer.Write("except");
        WriteRooms(ref writer, options.Except);
        writer.Write("flags");
        WriteFlags(ref writer, options);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A client's answer: its first ack argument (as socket.io's ack callback passes only that), none left out.</summary>
    public static byte[] EncodeBroadcastAck(string requestId, SocketArgs answer)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        var writer = new MessagePackWriter(buffer);
        writer.WriteMapHeader(answer.Count == 0 ? 2 : 3);
        writer.Write("type");
        writer.Write((int)RedisRequestType.BroadcastAck);
        writer.Write("requestId");
        writer.Write(requestId);
        if (answer.Count > 0)
        {
            writer.Write("packet");
            PacketMessagePack.WriteValue(ref writer, answer[0], answer.Attachments);
        }
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteRooms(ref MessagePackWriter writer, IReadOnlyCollection<string> rooms)
    {
        writer.WriteArrayHeader(rooms.Count);
        foreach (var room in rooms)
            writer.Write(room);
    }

    /// <summary>socket.io's flags object: only the flags that are set (<c>{}</c> for none).</summary>
    private static void WriteFlags(ref MessagePackWriter writer, BroadcastOptions options)
    {
        var isVolatile = (options.Flags & BroadcastFlags.Volatile) != 0;
        var noCompress = (options.Flags & BroadcastFlags.NoCompress) != 0;
        var timeout = options.Timeout;
        writer.WriteMapHeader((isVolatile ? 1 : 0) + (noCompress ? 1 : 0) + (timeout is null ? 0 : 1));
        if (isVolatile)
        {
            writer.Write("volatile");
            writer.Write(true);
        }
        if (noCompress)
        {
            writer.Write("compress");
            writer.Write(false);
        }
        if (timeout is { } value)
        {
            writer.Write("timeout");
            JsonToMessagePack.WriteDouble(ref writer, value.TotalMilliseconds);
        }
    }

    /// <summary>A broadcast from the broadcast channels: the sender's uid, its packet, and whom it goes to.</summary>
    public static (string? Uid, RemotePacket Packet, BroadcastOptions Options) DecodeBroadcast(ReadOnlyMemory<byte> raw)
    {
        var reader = new MessagePackReader(raw);
        if (reader.ReadArrayHeader() != 3)
            throw new FormatException("A broadcast is [uid, packet, opts].");
        var uid = reader.NextMessagePackType == MessagePackType.String ? reader.ReadString() : SkipAndNull(ref reader);
        var packet = PacketMessagePack.ReadPacket(ref reader);
        var options = ReadOptions(ref reader);
        if (!reader.End)
            throw new FormatException("Trailing bytes after the broadcast.");
        return (uid, packet, options);
    }

    private static string? SkipAndNull(ref MessagePackReader reader)
    {
        reader.Skip();
        return null;
    }

    private static BroadcastOptions ReadOptions(ref MessagePackReader reader)
    {
        var options = BroadcastOptions.All;
        if (reader.NextMessagePackType != MessagePackType.Map)
            throw new FormatException("Broadcast options are a map.");
        var count = reader.ReadMapHeader();
        for (var i = 0; i < count; i++)
        {
            var key = reader.NextMessagePackType == MessagePackType.String ? reader.ReadString() : null;
            switch (key)
            {
                case "rooms":
                    options = options with { Rooms = [.. ReadRooms(ref reader)] };
                    break;
                case "except":
                    options = options with { Except = [.. ReadRooms(ref reader)] };
                    break;
                case "flags" when reader.NextMessagePackType == MessagePackType.Map:
                    options = options with { Flags = ReadFlags(ref reader) };
                    break;
                default:
                    if (key is null)
                        reader.Skip();
                    reader.Skip();
                    break;
            }
        }
        return options;
    }

    private static List<string> ReadRooms(ref MessagePackReader reader)
    {
        var rooms = new List<string>();
        if (reader.TryReadNil())
            return rooms;
        var count = reader.ReadArrayHeader();
        for (var i = 0; i < count; i++)
        {
            switch (reader.NextMessagePackType)
            {
                case MessagePackType.String:
                    rooms.Add(reader.ReadString()!);
                    break;
                case MessagePackType.Integer:
                    rooms.Add(reader.ReadInt64().ToString(System.Globalization.CultureInfo.InvariantCulture));
                    break;
                case MessagePackType.Float:
                    rooms.Add(JsJsonWriter.FormatNumber(reader.ReadDouble()));
                    break;
                default:
                    throw new FormatException("A room is a string or a number.");
            }
        }
        return rooms;
    }

    private static BroadcastFlags ReadFlags(ref MessagePackReader reader)
    {
        var flags = BroadcastFlags.None;
        var count = reader.ReadMapHeader();
        for (var i = 0; i < count; i++)
        {
            var key = reader.NextMessagePackType == MessagePackType.String ? reader.ReadString() : null;
            if (key == "volatile" && reader.NextMessagePackType == MessagePackType.Boolean)
            {
                if (reader.ReadBoolean())
                    flags |= BroadcastFlags.Volatile;
            }
            else if (key == "compress" && reader.NextMessagePackType == MessagePackType.Boolean)
            {
                if (!reader.ReadBoolean())
                    flags |= BroadcastFlags.NoCompress;
            }
            else
            {
                if (key is null)
                    reader.Skip();
                reader.Skip();
            }
        }
        return flags;
    }
}
