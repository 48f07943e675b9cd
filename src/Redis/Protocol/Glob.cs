using System.Text;

namespace TypedIo.Redis.Protocol;

/// <summary>Redis glob patterns (PSUBSCRIBE).</summary>
internal static class Glob
{
    /// <summary><paramref name="text"/> as a pattern that matches exactly it: <c>* ? [ ] \</c> escaped with a backslash.</summary>
    public static string Escape(string text)
    {
        if (text.AsSpan().IndexOfAny("*?[]\\") < 0)
            return text;
        var builder = new StringBuilder(text.Length + 4);
        foreach (var c in text)
        {
            if (c is '*' or '?' or '[' or ']' or '\\')
                builder.Append('\\');
            builder.Append(c);
        }
        return builder.ToString();
    }
}
