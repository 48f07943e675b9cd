using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using MessagePack;

namespace TypedIo.Redis.Codec;

/// <summary>
/// Writes a msgpack value as the JSON socket.io-parser makes of the JavaScript value notepack.io decodes it to:
/// <c>bin</c> (and notepack's ArrayBuffer extension) becomes a placeholder <c>{"_placeholder":true,"num":n}</c> and an
/// attachment; notepack's <c>undefined</c> is dropped from objects and <c>null</c> elsewhere; timestamps become ISO
/// strings (<c>Date.toJSON</c>); NaN and infinities become <c>null</c>; integer-like object keys come first, ascending.
/// </summary>
internal static class MessagePackToJson
{
    private const int MaxDepth = 64;
    private const sbyte TimestampType = -1;

    /// <summary>Reads one value and writes it; binary values are added to <paramref name="attachments"/> (not copied).</summary>
    /// <remarks>Throws a MessagePack.MessagePackSerializationException for Malformed or too deeply nested input.</remarks>
    public static void Write(ref MessagePackReader reader, JsJsonWriter writer, List<ReadOnlyMemory<byte>> attachments) =>
        WriteValue(ref reader, writer, attachments, 0);

    /// <summary>Whether the next value is notepack's <c>undefined</c> (fixext 1 of type 0).</summary>
    private static bool IsUndefined(ref MessagePackReader reader) =>
        reader.NextCode == MessagePackCode.FixExt1 && reader.CreatePeekReader().ReadExtensionFormatHeader().TypeCode == 0;

    private static void WriteValue(ref MessagePackReader reader, JsJsonWriter writer, List<ReadOnlyMemory<byte>> attachments, int depth)
    {
        if (depth > MaxDepth)
            throw new MessagePackSerializationException("The message is nested too deeply.");
        switch (reader.NextMessagePackType)
        {
            case MessagePackType.Nil:
                reader.ReadNil();
                writer.Null();
                break;
            case MessagePackType.Boolean:
                writer.Boolean(reader.ReadBoolean());
                break;
            case MessagePackType.Integer:
                if (reader.NextCode == MessagePackCode.UInt64)
                    writer.Integer(reader.ReadUInt64());
                else
                    writer.Integer(reader.ReadInt64());
                break;
            case MessagePackType.Float:
                WriteDouble(writer, reader.ReadDouble());
                break;
            case MessagePackType.String:
                WriteString(ref reader, writer);
                break;
            case MessagePackType.Binary:
                WritePlaceholder(writer, attachments, ToMemory(reader.ReadBytes()!.Value));
                break;
            case MessagePackType.Array:
                var length = reader.ReadArrayHeader();
                writer.StartArray();
                for (var i = 0; i < length; i++)
                    WriteValue(ref reader, writer, attachments, depth + 1);
                writer.EndArray();
                break;
            case MessagePackType.Map:
                WriteMap(ref reader, writer, attachments, depth);
                break;
            case MessagePackType.Extension:
                WriteExtension(ref reader, writer, attachments);
                break;
            default:
                throw new MessagePackSerializationException($"Unexpected msgpack code 0x{reader.NextCode:x2}.");
        }
    }

    private static void WriteString(ref MessagePackReader reader, JsJsonWriter writer) => writer.String(reader.ReadString()!);

    private static void WriteDouble(JsJsonWriter writer, double value) => writer.Number(value);

    private static void WritePlaceholder(JsJsonWriter writer, List<ReadOnlyMemory<byte>> attachments, ReadOnlyMemory<byte> bytes)
    {
        writer.StartObject();
        writer.PropertyName("_placeholder");
        writer.Boolean(true);
        writer.PropertyName("num");
        writer.Integer(attachments.Count);
        writer.EndObject();
        attachments.Add(bytes);
    }

    private static void WriteExtension(ref MessagePackReader reader, JsJsonWriter writer, List<ReadOnlyMemory<byte>> attachments)
    {
        var header = reader.ReadExtensionFormatHeader();
        var data = reader.ReadRaw(header.Length);
        if (header.TypeCode == 0)
        {
            // notepack.io: fixext 1 of type 0 is undefined, another ext of type 0 an ArrayBuffer.
            if (header.Length == 1 && data.Length == 1)
                writer.Null();
            else
                WritePlaceholder(writer, attachments, ToMemory(data));
            return;
        }
        if (header.TypeCode == TimestampType && TryReadTimestamp(data, out var time))
        {
            writer.String(time.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            return;
        }
        // Any other extension: notepack.io returns [type, Buffer].
        writer.StartArray();
        writer.Integer(header.TypeCode);
        WritePlaceholder(writer, attachments, ToMemory(data));
        writer.EndArray();
    }

    private static bool TryReadTimestamp(ReadOnlySequence<byte> data, out DateTime time)
    {
        time = default;
        Span<byte> bytes = stackalloc byte[12];
        if (data.Length is not (4 or 8 or 12))
            return false;
        data.CopyTo(bytes);
        long seconds;
        long nanoseconds;
        switch (data.Length)
        {
            case 4:
                seconds = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes);
                nanoseconds = 0;
                break;
            case 8:
                var hi = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes);
                var lo = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes[4..]);
                seconds = ((long)(hi & 0x3) << 32) + lo;
                nanoseconds = hi >> 2;
                break;
            default:
                nanoseconds = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes);
                seconds = System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(bytes[4..]);
                break;
        }
        // A JavaScript Date has millisecond precision and a range of ±8.64e15 ms.
        var milliseconds = seconds * 1000 + nanoseconds / 1_000_000;
        if (milliseconds is < -62135596800000 or > 253402300799999)
            return false;
        time = DateTime.UnixEpoch.AddMilliseconds(milliseconds);
        return true;
    }

    private static void WriteMap(ref MessagePackReader reader, JsJsonWriter writer, List<ReadOnlyMemory<byte>> attachments, int depth)
    {
        var count = reader.ReadMapHeader();
        // First pass on a copy: do integer-like keys need to move to the front, as in a JavaScript object?
        var peek = reader.CreatePeekReader();
        var reorder = false;
        for (var i = 0; i < count && !reorder; i++)
        {
            reorder = JsonToMessagePack.IsArrayIndex(ReadKey(ref peek), out _);
            peek.Skip();
        }
        writer.StartObject();
        if (!reorder)
        {
            for (var i = 0; i < count; i++)
                WriteProperty(ref reader, ReadKey(ref reader), writer, attachments, depth);
        }
        else
        {
            var indexed = new List<(uint Index, string Key, ReadOnlySequence<byte> Value)>();
            var start = reader.CreatePeekReader();
            for (var i = 0; i < count; i++)
            {
                var key = ReadKey(ref reader);
                if (JsonToMessagePack.IsArrayIndex(key, out var index))
                    indexed.Add((index, key, reader.Sequence.Slice(reader.Position)));
                reader.Skip();
            }
            indexed.Sort(static (a, b) => a.Index.CompareTo(b.Index));
            foreach (var (_, key, value) in indexed)
            {
                var valueReader = new MessagePackReader(value);
                WriteProperty(ref valueReader, key, writer, attachments, depth);
            }
            for (var i = 0; i < count; i++)
            {
                var key = ReadKey(ref start);
                if (JsonToMessagePack.IsArrayIndex(key, out _))
                    start.Skip();
                else
                    WriteProperty(ref start, key, writer, attachments, depth);
            }
        }
        writer.EndObject();
    }

    private static void WriteProperty(ref MessagePackReader reader, string key, JsJsonWriter writer, List<ReadOnlyMemory<byte>> attachments, int depth)
    {
        if (IsUndefined(ref reader))
        {
            reader.Skip(); // JSON.stringify leaves out a property whose value is undefined
            return;
        }
        writer.PropertyName(key);
        WriteValue(ref reader, writer, attachments, depth + 1);
    }

    /// <summary>A map key as the property name JavaScript makes of it (<c>String(key)</c>).</summary>
    private static string ReadKey(ref MessagePackReader reader)
    {
        switch (reader.NextMessagePackType)
        {
            case MessagePackType.String:
                return reader.ReadString()!;
            case MessagePackType.Integer:
                return reader.NextCode == MessagePackCode.UInt64
                    ? reader.ReadUInt64().ToString(CultureInfo.InvariantCulture)
                    : reader.ReadInt64().ToString(CultureInfo.InvariantCulture);
            case MessagePackType.Boolean:
                return reader.ReadBoolean() ? "true" : "false";
            case MessagePackType.Nil:
                reader.ReadNil();
                return "null";
            default:
                throw new MessagePackSerializationException("A map key must be a string, a number, a boolean or nil.");
        }
    }

    private static ReadOnlyMemory<byte> ToMemory(ReadOnlySequence<byte> bytes) =>
        bytes.IsSingleSegment ? bytes.First : bytes.ToArray();
}
