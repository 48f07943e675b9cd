namespace TypedIo.Fixture;

/// <summary>The fixture's command line: <c>--profile official|default</c>, <c>--port N</c>, <c>--cors "*"|ORIGIN</c>.</summary>
internal sealed record FixtureArguments(string Profile, int Port, string? Cors)
{
    public bool IsOfficial => Profile == "official";

    public static FixtureArguments Parse(string[] args)
    {
        string profile = "default";
        int? port = null;
        string? cors = null;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--profile": profile = value; i++; break;
                case "--port": port = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); i++; break;
                case "--cors": cors = value; i++; break;
                default: throw new ArgumentException($"Unknown argument {args[i]}.");
            }
        }
        if (profile is not ("official" or "default"))
            throw new ArgumentException($"Unknown profile '{profile}'.");
        return new FixtureArguments(profile, port ?? (profile == "official" ? 3000 : 3100), cors);
    }
}
