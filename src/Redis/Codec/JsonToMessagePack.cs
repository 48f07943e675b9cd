using System.Numerics;
using System.Text.Json;
using MessagePack;

namespace TypedIo.Redis.Codec;

/// <summary>
/// Writes JSON values as msgpack exactly as notepack.io (the encoder of Node's Redis adapters) encodes the JavaScript
/// value <c>JSON.parse</c> makes of them, with socket.io-parser's binary placeholders turned back into <c>bin</c>. The
/// choices that matter for byte equality: integral numbers take the smallest int width (positive ones unsigned),
/// every other number is a float64; object keys that are array indexes come first in ascending order, as in a
/// JavaScript object; binary is always bin 8/16/32.
/// </summary>
internal static class JsonToMessagePack
{
    private static readonly BigInteger Low32 = uint.MaxValue;

    /// <summary>
    /// Writes <paramref name="value"/>; when <paramref name="attachments"/> is not empty, an object whose
    /// <c>_placeholder</c> is <c>true</c> stands for attachment <c>num</c> (socket.io-parser's rule).
    /// </summary>
    /// <exception cref="FormatException">A placeholder refers to no attachment.</exception>
    public static void Write(ref MessagePackWriter writer, JsonElement value, IReadOnlyList<ReadOnlyMemory<byte>> attachments)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
            case JsonValueKind.Undefined:
                writer.WriteNil();
                break;
            case JsonValueKind.True:
                writer.Write(true);
                break;
            case JsonValueKind.False:
                writer.Write(false);
                break;
            case JsonValueKind.String:
                writer.Write(value.GetString());
                break;
            case JsonValueKind.Number:
                WriteNumber(ref writer, value);
                break;
            case JsonValueKind.Array:
                writer.WriteArrayHeader(value.GetArrayLength());
                foreach (var item in value.EnumerateArray())
                    Write(ref writer, item, attachments);
                break;
            case JsonValueKind.Object:
                if (attachments.Count > 0 && TryGetPlaceholder(value, attachments, out var bytes))
                    writer.Write(bytes.Span);
                else
                    WriteObject(ref writer, value, attachments);
                break;
        }
    }

    private static bool TryGetPlaceholder(JsonElement value, IReadOnlyList<ReadOnlyMemory<byte>> attachments, out ReadOnlyMemory<byte> bytes)
    {
        bytes = default;
        if (!value.TryGetProperty("_placeholder"u8, out var marker) || marker.ValueKind != JsonValueKind.True)
            return false;
        if (!value.TryGetProperty("num"u8, out var num) || num.ValueKind != JsonValueKind.Number || !num.TryGetInt32(out var index)
            || index < 0 || index >= attachments.Count)
            throw new FormatException("A binary placeholder refers to no attachment.");
        bytes = attachments[index];
        return true;
    }

    private static void WriteObject(ref MessagePackWriter writer, JsonElement value, IReadOnlyList<ReadOnlyMemory<byte>> attachments)
    {
        var count = 0;
        var hasIndexKey = false;
        foreach (var property in value.EnumerateObject())
        {
            count++;
            hasIndexKey |= IsArrayIndex(property.Name, out _);
        }
        writer.WriteMapHeader(count);
        if (!hasIndexKey)
        {
            foreach (var property in value.EnumerateObject())
            {
                writer.Write(property.Name);
                Write(ref writer, property.Value, attachments);
            }
            return;
        }
        // A JavaScript object lists integer-like keys first, ascending, then the others in insertion order.
        var indexed = new List<(uint Index, JsonProperty Property)>();
        foreach (var property in value.EnumerateObject())
        {
            if (IsArrayIndex(property.Name, out var index))
                indexed.Add((index, property));
        }
        indexed.Sort(static (a, b) => a.Index.CompareTo(b.Index));
        foreach (var (_, property) in indexed)
        {
            writer.Write(property.Name);
            Write(ref writer, property.Value, attachments);
        }
        foreach (var property in value.EnumerateObject())
        {
            if (IsArrayIndex(property.Name, out _))
                continue;
            writer.Write(property.Name);
            Write(ref writer, property.Value, attachments);
        }
    }

    /// <summary>Whether <paramref name="key"/> is a canonical array index (0 .. 2^32 - 2), which JavaScript orders first.</summary>
    internal static bool IsArrayIndex(string key, out uint index)
    {
        index = 0;
        if (key.Length is 0 or > 10 || (key.Length > 1 && key[0] == '0'))
            return false;
        ulong value = 0;
        foreach (var c in key)
        {
            if (c is < '0' or > '9')
                return false;
            value = value * 10 + (ulong)(c - '0');
        }
        if (value > uint.MaxValue - 1)
            return false;
        index = (uint)value;
        return true;
    }

    private static void WriteNumber(ref MessagePackWriter writer, JsonElement value)
    {
        // Integer text is written exactly (JavaScript would round beyond 2^53; the bytes are the same wherever it does not).
        if (value.TryGetInt64(out var integer))
        {
            writer.Write(integer);
            return;
        }
        if (value.TryGetUInt64(out var unsigned))
        {
            writer.Write(unsigned);
            return;
        }
        if (!value.TryGetDouble(out var number))
            number = double.Parse(value.GetRawText(), System.Globalization.CultureInfo.InvariantCulture);
        WriteDouble(ref writer, number);
    }

    /// <summary>A JavaScript number as notepack.io writes it.</summary>
    internal static void WriteDouble(ref MessagePackWriter writer, double number)
    {
        if (!double.IsFinite(number) || Math.Floor(number) != number)
        {
            writer.Write(number); // float 64
            return;
        }
        if (number >= long.MinValue && number < 9223372036854775808.0)
        {
            writer.Write((long)number);
            return;
        }
        if (number >= 0 && number < 18446744073709551616.0)
        {
            writer.Write((ulong)number);
            return;
        }
        // Beyond 64 bits notepack.io still writes uint 64 / int 64, from the high and low 32 bits taken modulo 2^32.
        var whole = new BigInteger(number);
        var raw = new byte[9];
        raw[0] = number >= 0 ? MessagePackCode.UInt64 : MessagePackCode.Int64;
        var hi = (uint)((whole >> 32) & Low32);
        var lo = (uint)(whole & Low32);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(raw.AsSpan(1), hi);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(raw.AsSpan(5), lo);
        writer.WriteRaw(raw);
    }
}
