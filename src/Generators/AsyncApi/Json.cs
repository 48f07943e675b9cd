using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace TypedIo.Generators.AsyncApi;

/// <summary>Writes JSON text (the generator has no System.Text.Json): strings escaped, objects and arrays from parts.</summary>
internal static class Json
{
    public static string String(string value)
    {
        var text = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                default:
                    if (c < ' ')
                        text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else
                        text.Append(c);
                    break;
            }
        }
        return text.Append('"').ToString();
    }

    /// <summary><c>{"a":1,"b":2}</c> from (key, JSON value) pairs; pairs with a null value are left out.</summary>
    public static string Object(params (string Key, string? Value)[] members) => Object((IEnumerable<(string, string?)>)members);

    public static string Object(IEnumerable<(string Key, string? Value)> members) =>
        "{" + string.Join(",", members.Where(m => m.Value is not null).Select(m => String(m.Key) + ":" + m.Value)) + "}";

    public static string Array(IEnumerable<string> items) => "[" + string.Join(",", items) + "]";

    public static string Ref(string pointer) => Object(("$ref", String(pointer)));
}
