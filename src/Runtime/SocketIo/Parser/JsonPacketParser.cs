using System.Diagnostics.CodeAnalysis;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using TypedIo.EngineIo;

namespace TypedIo.SocketIo;

/// <summary>
/// The default Socket.IO v5 parser, wire-compatible with Node's <c>socket.io-parser</c>: JSON text packets, with
/// binary values sent as attachments behind <c>{"_placeholder":true,"num":N}</c>.
/// </summary>
/// <remarks>
/// <para>
/// Arguments are serialized with System.Text.Json. Without options of your own, properties are camelCase (as
/// JavaScript code expects), nullable annotations and required constructor parameters are enforced (what the
/// generated TypeScript declares), and other settings are the System.Text.Json defaults. Options you pass are copied,
/// never changed; a source-generated resolver in them makes the parser trim- and AOT-safe. When the options name
/// no <see cref="JsonSerializerOptions.Encoder"/>, text is written like <c>JSON.stringify</c> does (non-ASCII
/// unescaped).
/// </para>
/// <para>
/// <c>byte[]</c>, <c>ReadOnlyMemory&lt;byte&gt;</c>, <c>Memory&lt;byte&gt;</c> and <c>ArraySegment&lt;byte&gt;</c>
/// at any depth of an event or ack argument become attachments (their bytes are copied), and the packet a
/// BINARY_EVENT or BINARY_ACK. In CONNECT and CONNECT_ERROR data they are written as base64.
/// </para>
/// <code>
/// var parser = new JsonPacketParser();
/// var packet = parser.EncodeEvent("/", "file", [new { name = "a.png", data = bytes }]);
/// // frames: 451-["file",{"name":"a.png","data":{"_placeholder":true,"num":0}}] and the bytes
/// </code>
/// </remarks>
public sealed class JsonPacketParser : IPacketParser
{
    private readonly JsonPacketParserOptions _limits;
    private readonly JsonPacketEncoder _encoder;

    /// <summary>Creates a parser.</summary>
    /// <param name="serializerOptions">How arguments are (de)serialized; camelCase properties when null.</param>
    /// <param name="options">Limits on incoming packets; the defaults when null.</param>
    public JsonPacketParser(JsonSerializerOptions? serializerOptions = null, JsonPacketParserOptions? options = null)
    {
        var defaults = new JsonPacketParserOptions();
        _limits = new JsonPacketParserOptions
        {
            MaxDepth = options?.MaxDepth ?? defaults.MaxDepth,
            MaxAttachments = options?.MaxAttachments ?? defaults.MaxAttachments,
        };

        var effective = serializerOptions is null
            ? new JsonSerializerOptions
            {
                PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
                // What the generated TypeScript promises: a non-nullable member is never null, a constructor
                // parameter is never missing. Input that breaks it is refused instead of reaching a handler.
                RespectNullableAnnotations = true,
                RespectRequiredConstructorParameters = true,
            }
            : new JsonSerializerOptions(serializerOptions);
        var converters = BinaryPlaceholderConverters.Create();
        for (var i = 0; i < converters.Length; i++)
            effective.Converters.Insert(i, converters[i]);

        // Options given to JsonNode.WriteTo need a resolver. Without one of the caller's, use reflection where the
        // app allows it; where it does not (trimmed/AOT), a type without metadata fails when first serialized.
        if (effective.TypeInfoResolver is null && JsonSerializer.IsReflectionEnabledByDefault)
            effective.TypeInfoResolver = CreateReflectionResolver();
        effective.MakeReadOnly();
        SerializerOptions = effective;

        var writerOptions = new JsonWriterOptions
        {
            Encoder = effective.Encoder ?? JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            MaxDepth = effective.MaxDepth,
        };
        _encoder = new JsonPacketEncoder(effective, writerOptions);
    }

    /// <summary>
    /// The options arguments are serialized with: a read-only copy of the ones given, with the binary placeholder
    /// converters first.
    /// </summary>
    public JsonSerializerOptions SerializerOptions { get; }

    /// <inheritdoc />
    public IPacketDecoder CreateDecoder() => new JsonPacketDecoder(_limits, this);

    /// <inheritdoc />
    public EncodedPacket EncodeEvent(string nsp, string eventName, ReadOnlySpan<object?> args, long? ackId = null) =>
        _encoder.EncodeEvent(nsp, eventName, args, ackId);

    /// <inheritdoc />
    public EncodedPacket EncodeAck(string nsp, long ackId, ReadOnlySpan<object?> args) =>
        _encoder.EncodeAck(nsp, ackId, args);

    /// <summary>
    /// An event for one socket's queue: null with the text frame in <paramref name="frame"/> when the packet has no
    /// attachments (no frame list, no <see cref="EncodedPacket"/>), the packet otherwise.
    /// </summary>
    internal EncodedPacket? EncodeEventFrame(string nsp, string eventName, ReadOnlySpan<object?> args, long? ackId, out EngineFrame frame) =>
        _encoder.EncodeEventFrame(nsp, eventName, args, ackId, out frame);

    /// <summary>An event whose arguments are received ones, written as they came.</summary>
    internal EncodedPacket EncodeEvent(string nsp, string eventName, SocketArgs relayed) =>
        _encoder.EncodeEvent(nsp, eventName, relayed, ackId: null);

    /// <summary><see cref="EncodeEventFrame(string, string, ReadOnlySpan{object?}, long?, out EngineFrame)"/> of received arguments.</summary>
    internal EncodedPacket? EncodeEventFrame(string nsp, string eventName, SocketArgs relayed, long? ackId, out EngineFrame frame) =>
        _encoder.EncodeEventFrame(nsp, eventName, relayed, ackId, out frame);

    /// <summary><see cref="EncodeAckFrame(string, long, ReadOnlySpan{object?}, out EngineFrame)"/> of received arguments.</summary>
    internal EncodedPacket? EncodeAckFrame(string nsp, long ackId, SocketArgs relayed, out EngineFrame frame) =>
        _encoder.EncodeAckFrame(nsp, ackId, relayed, out frame);

    /// <summary>An ack for one socket's queue, as <see cref="EncodeEventFrame(string, string, ReadOnlySpan{object?}, long?, out EngineFrame)"/>.</summary>
    internal EncodedPacket? EncodeAckFrame(string nsp, long ackId, ReadOnlySpan<object?> args, out EngineFrame frame) =>
        _encoder.EncodeAckFrame(nsp, ackId, args, out frame);

    /// <inheritdoc />
    public EncodedPacket EncodeConnect(string nsp, object? data) => _encoder.EncodeConnect(nsp, data);

    /// <inheritdoc />
    public EncodedPacket EncodeConnectError(string nsp, string message, object? data = null) =>
        _encoder.EncodeConnectError(nsp, message, data);

    /// <inheritdoc />
    public EncodedPacket EncodeDisconnect(string nsp) => _encoder.EncodeDisconnect(nsp);

    /// <summary>
    /// Builds a packet from JSON data that is already written (for example a broadcast another server node sent through
    /// a multi-node adapter, converted once for all of this node's recipients). Binary values in
    /// <paramref name="json"/> must be placeholders <c>{"_placeholder":true,"num":n}</c> numbered in the order of
    /// <paramref name="attachments"/>, which are queued as they are (not copied: they must not change). The type
    /// becomes the binary variant when there are attachments, the plain one when there are none.
    /// </summary>
    /// <example><c>var packet = parser.EncodeJson(SocketPacketType.Event, "/", null, """["news",1]"""u8, []);</c></example>
    public EncodedPacket EncodeJson(SocketPacketType type, string nsp, long? ackId, ReadOnlySpan<byte> json, IReadOnlyList<ReadOnlyMemory<byte>> attachments)
    {
        ArgumentNullException.ThrowIfNull(attachments);
        return JsonPacketEncoder.FromJson(type, nsp, ackId, json, attachments);
    }

    /// <summary>
    /// Deserializes one argument of a decoded packet. Binary targets (<c>byte[]</c>, <c>ReadOnlyMemory&lt;byte&gt;</c>,
    /// <c>Memory&lt;byte&gt;</c>, <c>ArraySegment&lt;byte&gt;</c>) at any depth take their bytes from the placeholder's
    /// attachment, or from a base64 string.
    /// </summary>
    /// <example><c>var file = parser.Deserialize&lt;Upload&gt;(packet.Data!.Value[1], packet.Attachments);</c></example>
    /// <exception cref="JsonException">The JSON does not fit <typeparamref name="T"/>, or a placeholder refers to no attachment.</exception>
    public T? Deserialize<T>(JsonElement element, IReadOnlyList<byte[]> attachments)
    {
        ArgumentNullException.ThrowIfNull(attachments);
        var typeInfo = (JsonTypeInfo<T>)SerializerOptions.GetTypeInfo(typeof(T));
        using (AttachmentContext.Resolve(attachments))
            return JsonSerializer.Deserialize(element, typeInfo);
    }

    /// <summary>Like <see cref="Deserialize{T}(JsonElement, IReadOnlyList{byte[]})"/>, from the argument's JSON text.</summary>
    internal T? DeserializeUtf8<T>(ReadOnlySpan<byte> json, IReadOnlyList<byte[]> attachments)
    {
        var typeInfo = (JsonTypeInfo<T>)SerializerOptions.GetTypeInfo(typeof(T));
        using (AttachmentContext.Resolve(attachments))
            return JsonSerializer.Deserialize(json, typeInfo);
    }

    /// <summary>Like <see cref="Deserialize{T}"/>, for a type known at run time.</summary>
    /// <exception cref="JsonException">The JSON does not fit <paramref name="type"/>, or a placeholder refers to no attachment.</exception>
    public object? Deserialize(JsonElement element, Type type, IReadOnlyList<byte[]> attachments)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(attachments);
        var typeInfo = SerializerOptions.GetTypeInfo(type);
        using (AttachmentContext.Resolve(attachments))
            return JsonSerializer.Deserialize(element, typeInfo);
    }

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Only called when JsonSerializer.IsReflectionEnabledByDefault, which trimmed and AOT apps turn off.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Only called when JsonSerializer.IsReflectionEnabledByDefault, which trimmed and AOT apps turn off.")]
    private static DefaultJsonTypeInfoResolver CreateReflectionResolver() => new();
}
