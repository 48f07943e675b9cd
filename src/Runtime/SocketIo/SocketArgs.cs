using System.Collections;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace TypedIo.SocketIo;

/// <summary>
/// The arguments of an incoming event or ack: JSON values, with binary attachments resolved on request. Passed as they
/// are to <see cref="SocketEvent.Ack(SocketArgs)"/> or an <c>EmitAsync(string, SocketArgs)</c>, they go out again as
/// they came, written from the received bytes. They own their bytes (a copy out of the receive buffer), so a handler
/// may keep them.
/// </summary>
public sealed class SocketArgs : IReadOnlyList<JsonElement>
{
    // Either a received EVENT's bytes (the common case, one per event: 64 bytes with this layout) or a JSON tree with
    // its attachments (binary packets, adapters), which keeps what only it needs in an object of its own.
    private EventPayload _payload; // filled in place, so never readonly and never copied but to make another SocketArgs
    private readonly Tree? _tree;
    private readonly JsonPacketParser? _parser;

    internal SocketArgs(JsonElement array, int offset, IReadOnlyList<byte[]> attachments, JsonPacketParser? parser = null)
    {
        _tree = new Tree(array, offset, attachments);
        _parser = parser;
    }

    // A received EVENT's arguments, kept as bytes until something asks for JSON values. Made by the decoder, which
    // hands the payload over: this is its only copy.
    internal SocketArgs(in EventPayload payload, JsonPacketParser? parser)
    {
        _payload = payload;
        _parser = parser;
    }

    /// <summary>
    /// The arguments of a received EVENT or BINARY_EVENT (the array after the event name), or of an ACK or BINARY_ACK
    /// (the whole array): for a plain EVENT or ACK of the JSON decoder, the ones it made (with another parser, the same
    /// bytes read with that one's options).
    /// </summary>
    internal static SocketArgs OfPacket(SocketPacket packet, JsonPacketParser? parser) =>
        packet.EventArgs is { } args
            ? (ReferenceEquals(args._parser, parser) ? args : new SocketArgs(args._payload.From(args._payload.First), parser))
            : new SocketArgs(packet.Data!.Value, packet.Type is SocketPacketType.Ack or SocketPacketType.BinaryAck ? 0 : 1, packet.Attachments, parser);

    /// <summary>The whole received EVENT or ACK array as a tree; only for arguments kept as bytes.</summary>
    internal JsonElement EventElement => _payload.Element;

    /// <summary>The event name of arguments kept as bytes, as <see cref="EventPayload.ReadName"/> gives it.</summary>
    internal string ReadEventName(string? known) => _payload.ReadName(known);

    /// <summary>
    /// Arguments from a JSON array, whose binary values are placeholders (<c>{"_placeholder":true,"num":n}</c>) into
    /// <paramref name="attachments"/>. For adapters that carry acks and server-side events between nodes. The element is
    /// kept, not copied: clone it if its document will be disposed.
    /// </summary>
    public static SocketArgs FromJson(JsonElement array, IReadOnlyList<byte[]>? attachments = null)
    {
        if (array.ValueKind != JsonValueKind.Array)
            throw new ArgumentException("The arguments must be a JSON array.", nameof(array));
        return new SocketArgs(array, 0, attachments ?? []);
    }

    /// <summary>No arguments.</summary>
    public static SocketArgs Empty { get; } = new(JsonDocument.Parse("[]").RootElement.Clone(), 0, []);

    /// <summary>Binary attachments the arguments' placeholders refer to.</summary>
    public IReadOnlyList<byte[]> Attachments => _tree is { } tree ? tree.Attachments : [];

    /// <summary>Number of arguments.</summary>
    public int Count => _tree is { } tree
        ? (tree.Array.ValueKind == JsonValueKind.Array ? tree.Array.GetArrayLength() - tree.Offset : 0)
        : _payload.Count - _payload.First;

    /// <summary>The raw JSON of argument <paramref name="index"/> (a binary argument is a placeholder object).</summary>
    public JsonElement this[int index] => (uint)index < (uint)Count
        ? (_tree is { } tree ? tree.Array[index + tree.Offset] : _payload.Element[index + _payload.First])
        : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>The received JSON text of argument <paramref name="index"/>, when the arguments are kept as bytes.</summary>
    private ReadOnlySpan<byte> Utf8(int index) =>
        (uint)index < (uint)Count ? _payload[index + _payload.First] : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>Argument <paramref name="index"/> as a node, with binary values as byte arrays.</summary>
    public JsonNode? GetNode(int index) => PacketData.ToNode(this[index], Attachments);

    /// <summary>Every argument as a node (binary included): ready to be emitted again unchanged.</summary>
    /// <remarks>
    /// To send the arguments back unchanged, pass this <see cref="SocketArgs"/> itself instead (to
    /// <see cref="SocketEvent.Ack(SocketArgs)"/>, <see cref="Socket.EmitAsync(string, SocketArgs)"/>,
    /// <see cref="BroadcastOperator.EmitAsync(string, SocketArgs)"/>): that writes the received JSON without making the
    /// JSON tree this method needs.
    /// </remarks>
    public object?[] ToEmitArgs()
    {
        var result = new object?[Count];
        // Without attachments there are no placeholders to resolve: the JSON values are written back as they are.
        var raw = Attachments.Count == 0;
        for (var i = 0; i < result.Length; i++)
            result[i] = raw ? this[i] : GetNode(i);
        return result;
    }

    /// <summary>
    /// The arguments from <paramref name="start"/> on, sharing these arguments' received bytes (nothing is parsed or
    /// copied): for relaying all but the first arguments, for example <c>e.Args.Slice(1)</c> after a room name.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="start"/> is negative or above <see cref="Count"/>.</exception>
    public SocketArgs Slice(int start)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start, Count);
        if (start == 0)
            return this;
        return _tree is { } tree
            ? new SocketArgs(tree.Array, tree.Offset + start, tree.Attachments, _parser)
            : new SocketArgs(_payload.From(_payload.First + start), _parser);
    }

    /// <summary>
    /// Writes every argument as the JSON it was received as (arguments kept as bytes are copied from them, without a
    /// tree). Only for arguments without attachments: placeholders would be written as plain objects.
    /// </summary>
    internal void WriteJsonValues(Utf8JsonWriter writer)
    {
        if (_tree is null)
        {
            _payload.WriteElements(writer, _payload.First);
            return;
        }
        for (var i = 0; i < Count; i++)
            RawJson.Write(writer, this[i]);
    }

    /// <summary>Argument <paramref name="index"/> as binary data, when it is a binary attachment.</summary>
    public byte[]? GetBinary(int index) => GetNode(index) is JsonValue value && value.TryGetValue<byte[]>(out var bytes) ? bytes : null;

    /// <summary>
    /// Argument <paramref name="index"/> deserialized with the server's JSON options (binary values at any depth
    /// taken from their attachments): what typed hubs use.
    /// </summary>
    /// <exception cref="JsonException">The JSON does not fit <typeparamref name="T"/>.</exception>
    /// <exception cref="NotSupportedException">The server does not use the JSON parser.</exception>
    public T? Get<T>(int index)
    {
        // JSON trees keep binary values as byte arrays (System.Text.Json would read a placeholder as a plain object).
        if (typeof(JsonNode).IsAssignableFrom(typeof(T)))
        {
            var node = GetNode(index);
            return node is null or T ? (T?)(object?)node : throw new JsonException($"Argument {index} is not a {typeof(T).Name}.");
        }
        var parser = _parser ?? throw new NotSupportedException("Typed arguments need the server's JsonPacketParser.");
        // Straight from the received bytes when they are kept: no JSON tree.
        return _tree is not null
            ? parser.Deserialize<T>(this[index], Attachments)
            : parser.DeserializeUtf8<T>(Utf8(index), Attachments);
    }

    /// <summary>Argument <paramref name="index"/> deserialized with <paramref name="typeInfo"/>.</summary>
    public T? GetValue<T>(int index, JsonTypeInfo<T> typeInfo) =>
        _tree is not null ? this[index].Deserialize(typeInfo) : JsonSerializer.Deserialize(Utf8(index), typeInfo);

    /// <summary>Whether the JSON tree of the arguments was built (false while typed parameters only read bytes).</summary>
    internal bool IsParsed => _tree is not null || _payload.IsParsed;

    /// <inheritdoc />
    public IEnumerator<JsonElement> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
            yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Arguments from a JSON tree: the array, where the arguments start in it, and its attachments.</summary>
    private sealed class Tree(JsonElement array, int offset, IReadOnlyList<byte[]> attachments)
    {
        public JsonElement Array { get; } = array;

        public int Offset { get; } = offset;

        public IReadOnlyList<byte[]> Attachments { get; } = attachments;
    }
}
