namespace TypedIo.Fixture;

/// <summary>
/// The fixture's command line: <c>--profile official|default</c>, <c>--port N</c>, <c>--cors "*"|ORIGIN</c>, and the
/// cluster options <c>--redis HOST:PORT</c>, <c>--adapter pubsub|sharded|streams</c>, <c>--node-name NAME</c>, and
/// <c>--recovery</c> (connection state recovery, default profile only).
/// </summary>
internal sealed record FixtureArguments(string Profile, int Port, string? Cors, string? Redis, string Adapter, string NodeName, bool Recovery = false)
{
    public bool IsOfficial => Profile == "official";

    public bool IsCluster => Redis is not null;

    public static FixtureArguments Parse(string[] args)
    {
        string profile = "default";
        int? port = null;
        string? cors = null;
        string? redis = null;
        string adapter = "pubsub";
        string? nodeName = null;
        var recovery = false;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--recovery")
            {
                recovery = true;
                continue;
            }
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--profile": profile = value; i++; break;
                case "--port": port = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); i++; break;
                case "--cors": cors = value; i++; break;
                case "--redis": redis = value; i++; break;
                case "--adapter": adapter = value; i++; break;
                case "--node-name": nodeName = value; i++; break;
                default: throw new ArgumentException($"Unknown argument {args[i]}.");
            }
        }
        if (profile is not ("official" or "default"))
            throw new ArgumentException($"Unknown profile '{profile}'.");
        if (adapter is not ("pubsub" or "sharded" or "streams"))
            throw new ArgumentException($"Unknown adapter '{adapter}' (pubsub, sharded or streams).");
        if (redis is not null && profile == "official")
            throw new ArgumentException("--redis belongs to the default profile.");
        if (recovery && profile == "official")
            throw new ArgumentException("--recovery belongs to the default profile (the official profile has connection state recovery off).");
        var effectivePort = port ?? (profile == "official" ? 3000 : 3100);
        return new FixtureArguments(profile, effectivePort, cors, redis, adapter,
            nodeName ?? effectivePort.ToString(System.Globalization.CultureInfo.InvariantCulture), recovery);
    }
}
