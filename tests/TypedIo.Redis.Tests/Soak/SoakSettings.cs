using System.Globalization;

namespace TypedIo.Redis.Tests.Soak;

/// <summary>
/// How long and how big the soak runs: the suite's defaults (about a minute of load, 300 clients), or longer
/// campaigns through environment variables (<c>benchmarks/soak.sh</c>).
/// </summary>
/// <param name="Seconds">Seconds of steady load (<c>SOAK_SECONDS</c>); the faults happen at fixed fractions of it.</param>
/// <param name="Clients">Clients besides the senders, spread evenly over the three nodes (<c>SOAK_CLIENTS</c>).</param>
/// <param name="SendersPerNode">Senders on each node that survives (<c>SOAK_SENDERS</c>).</param>
/// <param name="Rate">Broadcasts a second per sender (<c>SOAK_RATE</c>).</param>
/// <param name="MoversPerDirection">Clients that move in each direction of each move wave (<c>SOAK_MOVERS</c>).</param>
/// <param name="RedisDown">How long Redis stays down (<c>SOAK_REDIS_DOWN_SECONDS</c>).</param>
internal sealed record SoakSettings(int Seconds, int Clients, int SendersPerNode, double Rate, int MoversPerDirection, TimeSpan RedisDown)
{
    /// <summary>The settings of this run: the defaults unless the environment says otherwise.</summary>
    public static SoakSettings FromEnvironment() => new(
        Int("SOAK_SECONDS", 60),
        Int("SOAK_CLIENTS", 300),
        Int("SOAK_SENDERS", 2),
        Number("SOAK_RATE", 5),
        Int("SOAK_MOVERS", 4),
        TimeSpan.FromSeconds(Number("SOAK_REDIS_DOWN_SECONDS", 5)));

    private static int Int(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;

    private static double Number(string name, double fallback) =>
        double.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;
}
