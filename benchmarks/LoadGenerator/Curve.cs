using System.Globalization;
using System.Text;

namespace TypedIo.Benchmarks.LoadGenerator;

/// <summary>
/// The per-second series of <c>run --series</c> as markdown: msg per server CPU-second in every second of load, the
/// median over the runs of each server, and when each server first reached 80 % of its own steady state (the median of
/// its last 5 seconds).
/// </summary>
internal static class Curve
{
    private sealed record Sample(string Server, string Scenario, int Clients, int Round, int Second, long Messages, double ServerCpu);

    public static string Build(IEnumerable<string> lines)
    {
        var samples = lines.Where(l => l.Length > 0).Select(Parse).ToList();
        var sb = new StringBuilder();
        foreach (var scenario in samples.GroupBy(s => (s.Scenario, s.Clients)))
        {
            var servers = scenario.Select(s => s.Server).Distinct().ToList();
            var curves = servers.ToDictionary(server => server, server => scenario
                .Where(s => s.Server == server)
                .GroupBy(s => s.Second)
                .OrderBy(g => g.Key)
                .ToDictionary(g => g.Key, g => Median(g.Select(s => s.ServerCpu > 0 ? s.Messages / s.ServerCpu : double.NaN))));
            var seconds = curves.Values.SelectMany(c => c.Keys).Distinct().Order().ToList();
            sb.AppendLine(CultureInfo.InvariantCulture, $"{scenario.Key.Scenario}:{scenario.Key.Clients}: msg per server CPU-s in each second of load (median of {scenario.Select(s => s.Round).Distinct().Count()} run(s))");
            sb.AppendLine();
            sb.AppendLine("| second | " + string.Join(" | ", servers) + " |");
            sb.AppendLine("|---:|" + string.Concat(servers.Select(_ => "---:|")));
            foreach (var second in seconds)
            {
                var cells = servers.Select(server => curves[server].TryGetValue(second, out var v) && !double.IsNaN(v) ? v.ToString("N0", CultureInfo.InvariantCulture) : "–");
                sb.AppendLine("| " + second.ToString(CultureInfo.InvariantCulture) + " | " + string.Join(" | ", cells) + " |");
            }
            sb.AppendLine();
            foreach (var server in servers)
            {
                var curve = curves[server].OrderBy(p => p.Key).ToList();
                if (curve.Count < 10)
                    continue;
                var steady = Median(curve.TakeLast(5).Select(p => p.Value));
                var reached = curve.FirstOrDefault(p => p.Value >= 0.8 * steady);
                sb.AppendLine(CultureInfo.InvariantCulture,
                    $"- {server}: steady state (median of the last 5 s) {steady:N0} msg per server CPU-s; 80 % of it first reached in second {(reached.Key > 0 ? reached.Key.ToString(CultureInfo.InvariantCulture) : "–")}; mean over the first 10 s {curve.Take(10).Average(p => p.Value) / steady:P0} of steady");
            }
            sb.AppendLine();
        }
        return sb.ToString();
    }

    private static Sample Parse(string line)
    {
        var f = line.Split('\t');
        var inv = CultureInfo.InvariantCulture;
        return new Sample(f[0], f[1], int.Parse(f[2], inv), int.Parse(f[3], inv), int.Parse(f[4], inv), long.Parse(f[5], inv), double.Parse(f[6], inv));
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
