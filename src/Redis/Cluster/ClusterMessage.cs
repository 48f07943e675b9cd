using System.Text.Json;
using TypedIo.Redis.Codec;
using TypedIo.SocketIo;

namespace TypedIo.Redis.Cluster;

/// <summary>
/// One message of socket.io-adapter's cluster protocol, <c>{type, data, uid, nsp}</c> (requests and responses alike),
/// independent of the transport: <see cref="Data"/> is its <c>data</c> object as JSON in which binary values are
/// socket.io placeholders (<c>{"_placeholder":true,"num":N}</c>) into <see cref="Attachments"/>, so a transport can
/// write it as JSON when there are none and as msgpack (binary as <c>bin</c>) when there are, as Node's adapters do.
/// </summary>
internal sealed class ClusterMessage
{
    private JsonElement? _data;

    public ClusterMessage(ClusterMessageType type, string uid, string nsp, ReadOnlyMemory<byte> dataJson = default,
        IReadOnlyList<ReadOnlyMemory<byte>>? attachments = null)
    {
        Type = type;
        Uid = uid;
        Namespace = nsp;
        DataJson = dataJson;
        Attachments = attachments ?? [];
    }

    public ClusterMessageType Type { get; }

    /// <summary>The sending node's uid (<c>emitter</c> for an emitter).</summary>
    public string Uid { get; }

    public string Namespace { get; }

    /// <summary>The <c>data</c> object as JSON text; empty for the messages without data (heartbeats, adapter close).</summary>
    public ReadOnlyMemory<byte> DataJson { get; }

    /// <summary>The binary values the placeholders of <see cref="DataJson"/> refer to.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Attachments { get; }

    /// <summary>The rooms of a BROADCAST this node sends (a transport may pick a channel by them); null otherwise.</summary>
    public IReadOnlyCollection<string>? BroadcastRooms { get; init; }

    /// <summary>Whether this is a BROADCAST with ack (it carries a request id).</summary>
    public bool HasRequestId { get; init; }

    /// <summary>The parsed <c>data</c> object (<see cref="JsonValueKind.Undefined"/> when there is none).</summary>
    public JsonElement Data => _data ??= DataJson.IsEmpty ? default : JsonDocument.Parse(DataJson).RootElement.Clone();

    /// <summary><c>data.requestId</c>, or null.</summary>
    public string? RequestId => Data.ValueKind == JsonValueKind.Object && Data.TryGetProperty("requestId"u8, out var id) && id.ValueKind == JsonValueKind.String
        ? id.GetString()
        : null;

    /// <summary>A field of <c>data</c>; false when it is missing.</summary>
    public bool TryGet(ReadOnlySpan<byte> name, out JsonElement value)
    {
        if (Data.ValueKind == JsonValueKind.Object)
            return Data.TryGetProperty(name, out value);
        value = default;
        return false;
    }

    /// <summary><c>data.opts</c> as broadcast options (rooms, except, and the flags socket.io carries across nodes).</summary>
    public BroadcastOptions ReadOptions()
    {
        if (!TryGet("opts"u8, out var opts) || opts.ValueKind != JsonValueKind.Object)
            throw new FormatException("The message carries no opts.");
        var options = Protocol.RedisJson.ReadOptions(opts);
        if (opts.TryGetProperty("flags"u8, out var flags) && flags.ValueKind == JsonValueKind.Object)
        {
            var value = BroadcastFlags.None;
            if (flags.TryGetProperty("volatile"u8, out var v) && v.ValueKind == JsonValueKind.True)
                value |= BroadcastFlags.Volatile;
            if (flags.TryGetProperty("compress"u8, out var c) && c.ValueKind == JsonValueKind.False)
                value |= BroadcastFlags.NoCompress;
            options = options with { Flags = value };
            if (flags.TryGetProperty("timeout"u8, out var t) && t.TryGetDouble(out var ms) && ms >= 0)
                options = options with { Timeout = TimeSpan.FromMilliseconds(ms) };
        }
        return options;
    }

    /// <summary><c>data.packet</c> of a BROADCAST: the socket.io packet object <c>{type, data}</c>, in this message's namespace.</summary>
    public RemotePacket ReadPacket()
    {
        if (!TryGet("packet"u8, out var packet) || packet.ValueKind != JsonValueKind.Object
            || !packet.TryGetProperty("type"u8, out var type) || !type.TryGetInt32(out var typeValue) || typeValue is < 0 or > 6)
            throw new FormatException("A BROADCAST carries a packet object with a type.");
        var nsp = packet.TryGetProperty("nsp"u8, out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : Namespace;
        byte[]? json = null;
        if (packet.TryGetProperty("data"u8, out var data))
        {
            if (data.ValueKind != JsonValueKind.Array)
                throw new FormatException("A packet's data is an array.");
            json = System.Text.Encoding.UTF8.GetBytes(data.GetRawText());
        }
        return new RemotePacket((SocketPacketType)typeValue, nsp, null, json, Attachments);
    }

    /// <summary>A field of <c>data</c> that holds a value (an answer) as socket arguments (<c>[value]</c>, or none when it is missing).</summary>
    public SocketArgs ReadValueAsArgs(ReadOnlySpan<byte> name)
    {
        if (!TryGet(name, out var value))
            return SocketArgs.Empty;
        return PacketMessagePack.ToArgs(System.Text.Encoding.UTF8.GetBytes("[" + value.GetRawText() + "]"), Attachments);
    }
}
