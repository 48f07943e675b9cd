namespace TypedIo.Generators.TypeScript;

/// <summary>
/// <c>JsonNamingPolicy.CamelCase</c>, character for character: lower-case the leading run of upper-case letters, except
/// the last one of the run when a lower-case letter follows it (<c>URLValue</c> → <c>urlValue</c>, <c>ID</c> → <c>id</c>).
/// </summary>
internal static class JsonCamelCase
{
    // A port of System.Text.Json's JsonCamelCaseNamingPolicy.ConvertName / FixCasing (.NET 8-10).
    public static string Convert(string name)
    {
        if (string.IsNullOrEmpty(name) || !char.IsUpper(name[0]))
            return name;

        var chars = name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (i == 1 && !char.IsUpper(chars[i]))
                break;

            var hasNext = i + 1 < chars.Length;

            // Stop when the next character is already lower case.
            if (i > 0 && hasNext && !char.IsUpper(chars[i + 1]))
            {
                // If the next character is a space, lower-case the current one before stopping.
                if (chars[i + 1] == ' ')
                    chars[i] = char.ToLowerInvariant(chars[i]);
                break;
            }

            chars[i] = char.ToLowerInvariant(chars[i]);
        }
        return new string(chars);
    }
}
