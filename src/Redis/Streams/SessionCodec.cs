using System.Buffers;
using System.Text.Json;
using MessagePack;
using TypedIo.Redis.Codec;
using TypedIo.SocketIo;

namespace TypedIo.Redis.Streams;

/// <summary>
/// A persisted session as Node's streams adapter stores it: base64 of the msgpack of <c>{sid, pid, rooms, data}</c>
/// (socket.io's <c>SessionToPersist</c>), <c>data</c> being the socket's data object.
/// </summary>
internal static class SessionCodec
{
    public static string Encode(SocketSession session, JsonSerializerOptions serializerOptions)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        var writer = new MessagePackWriter(buffer);
        writer.WriteMapHeader(4);
        writer.Write("sid");
        writer.Write(session.Id);
        writer.Write("pid");
        writer.Write(session.PrivateId);
        writer.Write("rooms");
        writer.WriteArrayHeader(session.Rooms.Count);
        foreach (var room in session.Rooms)
            writer.Write(room);
        writer.Write("data");
        var data = JsonSerializer.SerializeToElement(session.Data, serializerOptions);
        JsonToMessagePack.Write(ref writer, data, []);
        writer.Flush();
        return Convert.ToBase64String(buffer.WrittenSpan);
    }

    /// <exception cref="FormatException">Not a session.</exception>
    public static SocketSession Decode(string base64, DateTimeOffset now)
    {
        try
        {
            var reader = new MessagePackReader(Convert.FromBase64String(base64));
            string? sid = null, pid = null;
            var rooms = new HashSet<string>(StringComparer.Ordinal);
            var data = new Dictionary<string, object?>(StringComparer.Ordinal);
            var count = reader.ReadMapHeader();
            for (var i = 0; i < count; i++)
            {
                switch (reader.ReadString())
                {
                    case "sid": sid = reader.ReadString(); break;
                    case "pid": pid = reader.ReadString(); break;
                    case "rooms":
                        var length = reader.ReadArrayHeader();
                        for (var j = 0; j < length; j++)
                            rooms.Add(reader.NextMessagePackType == MessagePackType.String ? reader.ReadString()! : ReadAsText(ref reader));
                        break;
                    case "data":
                        var json = PacketMessagePack.ReadJson(ref reader, []);
                        using (var document = JsonDocument.Parse(json))
                        {
                            if (document.RootElement.ValueKind == JsonValueKind.Object)
                            {
                                foreach (var property in document.RootElement.EnumerateObject())
                                    data[property.Name] = property.Value.Clone();
                            }
                        }
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
            if (string.IsNullOrEmpty(sid) || string.IsNullOrEmpty(pid))
                throw new FormatException("A session has a sid and a pid.");
            return new SocketSession(sid, pid, rooms, data, now);
        }
        catch (Exception ex) when (ex is MessagePackSerializationException or JsonException or EndOfStreamException or InvalidOperationException)
        {
            throw new FormatException("Not a persisted session: " + ex.Message, ex);
        }
    }

    private static string ReadAsText(ref MessagePackReader reader)
    {
        var json = PacketMessagePack.ReadJson(ref reader, []);
        return System.Text.Encoding.UTF8.GetString(json);
    }
}
