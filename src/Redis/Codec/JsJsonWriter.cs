using System.Buffers;
using System.Globalization;
using System.Text;

namespace TypedIo.Redis.Codec;

/// <summary>
/// Writes JSON text exactly as JavaScript's <c>JSON.stringify</c> does (what socket.io-parser sends a client): strings
/// escape only <c>"</c>, <c>\</c>, control characters and lone surrogates; numbers use JavaScript's shortest form
/// (<c>1e+21</c>, <c>1e-7</c>, <c>0.000001</c>). Commas are placed by the writer.
/// </summary>
internal sealed class JsJsonWriter(ArrayBufferWriter<byte> output)
{
    // One flag per open container: whether a value was written in it (the next one needs a comma).
    private readonly Stack<bool> _containers = new();
    private bool _afterPropertyName;

    public ArrayBufferWriter<byte> Output => output;

    public void StartArray()
    {
        BeforeValue();
        Append((byte)'[');
        _containers.Push(false);
    }

    public void EndArray()
    {
        _containers.Pop();
        Append((byte)']');
    }

    public void StartObject()
    {
        BeforeValue();
        Append((byte)'{');
        _containers.Push(false);
    }

    public void EndObject()
    {
        _containers.Pop();
        Append((byte)'}');
    }

    public void PropertyName(string name)
    {
        BeforeValue();
        AppendString(name);
        Append((byte)':');
        _afterPropertyName = true;
    }

    public void Null() => Raw("null"u8);

    public void Boolean(bool value) => Raw(value ? "true"u8 : "false"u8);

    public void String(string value)
    {
        BeforeValue();
        AppendString(value);
    }

    // Beyond 2^53 a JavaScript client reads a number as the nearest double anyway: written as JavaScript would print it.
    private const long MaxSafeInteger = 9007199254740991;

    public void Integer(long value) =>
        Raw(Encoding.ASCII.GetBytes(value is >= -MaxSafeInteger and <= MaxSafeInteger ? value.ToString(CultureInfo.InvariantCulture) : FormatNumber(value)));

    public void Integer(ulong value) =>
        Raw(Encoding.ASCII.GetBytes(value <= MaxSafeInteger ? value.ToString(CultureInfo.InvariantCulture) : FormatNumber(value)));

    /// <summary>A number as <c>JSON.stringify</c> writes it: <c>null</c> for NaN and infinities, <c>0</c> for -0.</summary>
    public void Number(double value)
    {
        if (!double.IsFinite(value))
            Null();
        else
            Raw(Encoding.ASCII.GetBytes(FormatNumber(value)));
    }

    /// <summary>JavaScript's <c>Number.prototype.toString()</c> of a finite number (ECMAScript Number::toString).</summary>
    internal static string FormatNumber(double value)
    {
        if (value == 0)
            return "0";
        var sign = value < 0 ? "-" : "";
        // "R" gives the shortest round-trip digits, in either fixed or exponent form; normalise to digits and n.
        var shortest = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        var (digits, n) = Decompose(shortest);
        var k = digits.Length;
        if (k <= n && n <= 21)
            return sign + digits + new string('0', n - k);
        if (0 < n && n <= 21)
            return sign + digits[..n] + "." + digits[n..];
        if (-6 < n && n <= 0)
            return sign + "0." + new string('0', -n) + digits;
        var e = n - 1;
        var exponent = (e < 0 ? "-" : "+") + Math.Abs(e).ToString(CultureInfo.InvariantCulture);
        return k == 1 ? sign + digits + "e" + exponent : sign + digits[..1] + "." + digits[1..] + "e" + exponent;
    }

    /// <summary>Significant digits (no leading or trailing zeros) and n, with value = 0.digits × 10^n.</summary>
    private static (string Digits, int N) Decompose(string shortest)
    {
        var exponent = 0;
        var e = shortest.IndexOfAny(['E', 'e']);
        var mantissa = shortest;
        if (e >= 0)
        {
            exponent = int.Parse(shortest.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            mantissa = shortest[..e];
        }
        var dot = mantissa.IndexOf('.');
        var integerDigits = dot < 0 ? mantissa.Length : dot;
        var all = dot < 0 ? mantissa : mantissa.Remove(dot, 1);
        var leading = 0;
        while (leading < all.Length - 1 && all[leading] == '0')
            leading++;
        var digits = all[leading..].TrimEnd('0');
        if (digits.Length == 0)
            digits = "0";
        return (digits, integerDigits - leading + exponent);
    }

    private void Raw(ReadOnlySpan<byte> bytes)
    {
        BeforeValue();
        output.Write(bytes);
    }

    private void BeforeValue()
    {
        if (_afterPropertyName)
        {
            _afterPropertyName = false;
            return;
        }
        if (_containers.Count == 0)
            return;
        if (_containers.Peek())
            Append((byte)',');
        else
        {
            _containers.Pop();
            _containers.Push(true);
        }
    }

    private void Append(byte b)
    {
        output.GetSpan(1)[0] = b;
        output.Advance(1);
    }

    private void AppendString(string value)
    {
        Append((byte)'"');
        var start = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            string? escape = c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\b' => "\\b",
                '\f' => "\\f",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                < ' ' => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
                _ when char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]) => null,
                _ when char.IsLowSurrogate(c) && i > 0 && char.IsHighSurrogate(value[i - 1]) => null,
                _ when char.IsSurrogate(c) => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
                _ => null,
            };
            if (escape is null)
                continue;
            AppendUtf8(value.AsSpan(start, i - start));
            AppendUtf8(escape);
            start = i + 1;
        }
        AppendUtf8(value.AsSpan(start));
        Append((byte)'"');
    }

    private void AppendUtf8(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
            return;
        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        output.Advance(Encoding.UTF8.GetBytes(text, span));
    }
}
