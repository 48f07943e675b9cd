using System.Buffers;
using System.Globalization;
using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using TypedIo.SocketIo;

namespace TypedIo.Redis.Protocol;

/// <summary>The JSON requests and responses of Node's Redis adapter, with its key order.</summary>
internal static class RedisJson
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    public static void WriteRoomsOptions(Utf8JsonWriter writer, BroadcastOptions options)
    {
        writer.WriteStartObject("opts"u8);
        WriteStrings(writer, "rooms"u8, options.Rooms);
        WriteStrings(writer, "except"u8, options.Except);
        writer.WriteEndObject();
    }

    public static void WriteStrings(Utf8JsonWriter writer, ReadOnlySpan<byte> name, IEnumerable<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
            writer.WriteStringValue(value);
        writer.WriteEndArray();
    }

    /// <summary>Rooms and except of a request's <c>opts</c>.</summary>
    public static BroadcastOptions ReadOptions(JsonElement opts)
    {
        if (opts.ValueKind != JsonValueKind.Object)
            return BroadcastOptions.All;
        var options = BroadcastOptions.All;
        if (opts.TryGetProperty("rooms"u8, out var rooms))
            options = options with { Rooms = [.. RedisMessage.Rooms(rooms)] };
        if (opts.TryGetProperty("except"u8, out var except))
            options = options with { Except = [.. RedisMessage.Rooms(except)] };
        return options;
    }

    /// <summary>Writes a value with the server's JSON options (as socket.io writes it with JSON.stringify).</summary>
    public static void WriteValue(Utf8JsonWriter writer, object? value, JsonSerializerOptions options)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonElement element:
                element.WriteTo(writer);
                break;
            default:
                JsonSerializer.Serialize(writer, value, options.GetTypeInfo(value.GetType()));
                break;
        }
    }

    /// <summary>A local socket as a REMOTE_FETCH response lists it: <c>{id, handshake, rooms, data}</c>.</summary>
    public static void WriteSocket(Utf8JsonWriter writer, RemoteSocket socket, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("id"u8, socket.Id);
        writer.WriteStartObject("handshake"u8);
        var handshake = socket.Handshake;
        writer.WriteStartObject("headers"u8);
        foreach (var header in handshake.Headers)
            writer.WriteString(header.Key.ToLowerInvariant(), header.Value.ToString());
        writer.WriteEndObject();
        writer.WriteString("time"u8, handshake.Time);
        writer.WriteString("address"u8, handshake.Address?.ToString() ?? "");
        writer.WriteBoolean("xdomain"u8, handshake.IsCrossDomain);
        writer.WriteBoolean("secure"u8, handshake.IsSecure);
        writer.WriteNumber("issued"u8, handshake.Issued.ToUnixTimeMilliseconds());
        writer.WriteString("url"u8, handshake.Url);
        writer.WriteStartObject("query"u8);
        foreach (var pair in handshake.Query)
        {
            if (pair.Value.Count == 1)
                writer.WriteString(pair.Key, pair.Value[0]);
            else
                WriteStrings(writer, System.Text.Encoding.UTF8.GetBytes(pair.Key), pair.Value.Select(v => v ?? ""));
        }
        writer.WriteEndObject();
        writer.WritePropertyName("auth"u8);
        if (handshake.Auth.ValueKind == JsonValueKind.Undefined)
        {
            writer.WriteStartObject();
            writer.WriteEndObject();
        }
        else
        {
            handshake.Auth.WriteTo(writer);
        }
        writer.WriteEndObject();
        WriteStrings(writer, "rooms"u8, socket.Rooms);
        writer.WriteStartObject("data"u8);
        foreach (var (key, value) in socket.Data)
        {
            writer.WritePropertyName(key);
            WriteValue(writer, value, options);
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>A socket of another node from a REMOTE_FETCH response.</summary>
    public static RemoteSocket ReadSocket(SocketAdapter adapter, JsonElement socket)
    {
        var id = socket.GetProperty("id"u8).GetString() ?? throw new FormatException("A socket has an id.");
        var handshake = socket.TryGetProperty("handshake"u8, out var h) && h.ValueKind == JsonValueKind.Object ? h : default;
        var headers = new HeaderDictionary();
        var query = new Dictionary<string, StringValues>(StringComparer.Ordinal);
        JsonElement auth = default;
        DateTimeOffset issued = default;
        IPAddress? address = null;
        bool xdomain = false, secure = false;
        var url = "";
        if (handshake.ValueKind == JsonValueKind.Object)
        {
            if (handshake.TryGetProperty("headers"u8, out var hs) && hs.ValueKind == JsonValueKind.Object)
            {
                foreach (var header in hs.EnumerateObject())
                    headers[header.Name] = Values(header.Value);
            }
            if (handshake.TryGetProperty("query"u8, out var q) && q.ValueKind == JsonValueKind.Object)
            {
                foreach (var pair in q.EnumerateObject())
                    query[pair.Name] = Values(pair.Value);
            }
            if (handshake.TryGetProperty("auth"u8, out var a))
                auth = a.Clone();
            if (handshake.TryGetProperty("issued"u8, out var i) && i.TryGetDouble(out var ms))
                issued = DateTimeOffset.FromUnixTimeMilliseconds((long)ms);
            if (handshake.TryGetProperty("address"u8, out var ad) && ad.ValueKind == JsonValueKind.String)
                IPAddress.TryParse(ad.GetString(), out address);
            xdomain = handshake.TryGetProperty("xdomain"u8, out var x) && x.ValueKind == JsonValueKind.True;
            secure = handshake.TryGetProperty("secure"u8, out var s) && s.ValueKind == JsonValueKind.True;
            if (handshake.TryGetProperty("url"u8, out var u) && u.ValueKind == JsonValueKind.String)
                url = u.GetString()!;
        }
        var rooms = new HashSet<string>(StringComparer.Ordinal);
        if (socket.TryGetProperty("rooms"u8, out var r))
            rooms.UnionWith(RedisMessage.Rooms(r));
        var data = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (socket.TryGetProperty("data"u8, out var d) && d.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in d.EnumerateObject())
                data[property.Name] = property.Value.Clone();
        }
        var remoteHandshake = new SocketHandshake(headers, new QueryCollection(query), auth, issued, address, xdomain, secure, url);
        return new RemoteSocket(adapter, id, remoteHandshake, rooms, data);
    }

    private static StringValues Values(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Array => new StringValues([.. value.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText())]),
        _ => value.GetRawText(),
    };

    /// <summary>The arguments of a server-side emit's <c>[event, ...args]</c> (placeholders into <paramref name="attachments"/>).</summary>
    public static SocketArgs ArgsAfterFirst(JsonElement array, IReadOnlyList<ReadOnlyMemory<byte>>? attachments = null)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            var first = true;
            foreach (var item in array.EnumerateArray())
            {
                if (!first)
                    item.WriteTo(writer);
                first = false;
            }
            writer.WriteEndArray();
        }
        return Codec.PacketMessagePack.ToArgs(buffer.WrittenMemory, attachments ?? []);
    }

    public static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
