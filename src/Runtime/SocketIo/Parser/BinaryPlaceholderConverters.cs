using System.Text.Json;
using System.Text.Json.Serialization;

namespace TypedIo.SocketIo;

/// <summary>The placeholder converters of every binary type the parser knows.</summary>
internal static class BinaryPlaceholderConverters
{
    /// <summary>A new instance of each converter, for <see cref="JsonSerializerOptions.Converters"/>.</summary>
    public static JsonConverter[] Create() =>
        [new ByteArrayPlaceholderConverter(), new ReadOnlyMemoryPlaceholderConverter(),
            new MemoryPlaceholderConverter(), new ArraySegmentPlaceholderConverter()];
}

/// <summary>
/// Writes a binary value as a placeholder and records a copy of its bytes as an attachment while an encoding
/// scope is active (base64 outside one, like the default converter); reads a placeholder back to the attachment
/// while a decoding scope is active, and base64 strings as usual.
/// </summary>
internal abstract class BinaryPlaceholderConverter<T> : JsonConverter<T>
{
    protected abstract ReadOnlySpan<byte> GetBytes(T value);

    protected abstract T FromBytes(byte[] bytes);

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
    {
        var attachments = AttachmentContext.Collecting;
        if (attachments is null)
        {
            writer.WriteBase64StringValue(GetBytes(value));
            return;
        }

        // Copied: the encoded packet may be queued long after the caller reuses its buffer.
        Placeholder.Write(writer, attachments.Count);
        attachments.Add(GetBytes(value).ToArray());
    }

    /// <inheritdoc />
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return FromBytes(reader.GetBytesFromBase64());
            case JsonTokenType.StartObject:
                return FromBytes(ReadPlaceholder(ref reader));
            case JsonTokenType.Null:
                return default!;
            default:
                throw new JsonException("Expected a binary placeholder or a base64 string.");
        }
    }

    private static byte[] ReadPlaceholder(ref Utf8JsonReader reader)
    {
        var isPlaceholder = false;
        var num = -1;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isMarker = reader.ValueTextEquals(Placeholder.MarkerName);
            var isNum = !isMarker && reader.ValueTextEquals(Placeholder.NumName);
            reader.Read();
            if (isMarker)
                isPlaceholder = reader.TokenType == JsonTokenType.True;
            else if (isNum && (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out num)))
                num = -1;
            reader.Skip();
        }

        var attachments = AttachmentContext.Resolving;
        if (!isPlaceholder || attachments is null || num < 0 || num >= attachments.Count)
            throw new JsonException("The binary placeholder does not refer to an attachment of this packet.");
        return attachments[num];
    }
}

internal sealed class ByteArrayPlaceholderConverter : BinaryPlaceholderConverter<byte[]>
{
    protected override ReadOnlySpan<byte> GetBytes(byte[] value) => value;

    protected override byte[] FromBytes(byte[] bytes) => bytes;
}

internal sealed class ReadOnlyMemoryPlaceholderConverter : BinaryPlaceholderConverter<ReadOnlyMemory<byte>>
{
    protected override ReadOnlySpan<byte> GetBytes(ReadOnlyMemory<byte> value) => value.Span;

    protected override ReadOnlyMemory<byte> FromBytes(byte[] bytes) => bytes;
}

internal sealed class MemoryPlaceholderConverter : BinaryPlaceholderConverter<Memory<byte>>
{
    protected override ReadOnlySpan<byte> GetBytes(Memory<byte> value) => value.Span;

    protected override Memory<byte> FromBytes(byte[] bytes) => bytes;
}

internal sealed class ArraySegmentPlaceholderConverter : BinaryPlaceholderConverter<ArraySegment<byte>>
{
    protected override ReadOnlySpan<byte> GetBytes(ArraySegment<byte> value) => value;

    protected override ArraySegment<byte> FromBytes(byte[] bytes) => bytes;
}
