using System.Globalization;
using System.Text;

namespace TypedIo.Benchmarks.LoadGenerator;

/// <summary>Medians over rounds, as markdown, with ratios against Node's socket.io and a check of the targets.</summary>
internal static class Report
{
    private const string Node = "node";
    private const string TypedIo = "typedio";
    private const string TypedIoInline = "typedio-inline";
    private const string TypedIoReadyToRun = "typedio-r2r";
    private const string Raw = "raw";
    private const string RawInline = "raw-inline";

    // raw-inline: the raw ceiling with Kestrel's inline scheduling and inline socket completions; typedio-inline: the
    // fixture with its inline switch (the same two settings); typedio-r2r: the fixture published with ReadyToRun.
    private static readonly string[] ServerOrder = [TypedIo, TypedIoInline, TypedIoReadyToRun, Node, Raw, RawInline];

    // Each TypedIo variant and the raw Kestrel peer with the same scheduling (issue 19: "≥ 0.85× raw Kestrel with the
    // same scheduling").
    private static readonly (string TypedIo, string Raw)[] SameScheduling =
        [(TypedIo, Raw), (TypedIoInline, RawInline), (TypedIoReadyToRun, Raw)];
    private static readonly string[] ScenarioOrder = ["echo", "ack", "broadcast", "cluster-broadcast", "polling", "idle"];

    private sealed record Row(string Server, string Scenario, int Clients, int Rounds, double Rate, double Efficiency, double P50, double P99, double P999, double ServerCpu, double ClientCpu, double RssPerConnection, long Errors, int ClientsLost, string ErrorKinds);

    public static string Build(List<Result> results)
    {
        var failed = new List<Result>();
        var rows = results
            .GroupBy(r => (r.Server, r.Scenario, r.Clients))
            .Select(all =>
            {
                // A run that measured nothing failed (its errors say why): it would drag a median to zero, so the
                // medians are of the runs that measured something, and the failed ones are named under the table.
                var g = all.Where(r => r.Messages > 0 || r.Scenario == "idle").ToList();
                if (g.Count == 0)
                    g = [.. all];
                failed.AddRange(all.Except(g));
                return new Row(all.Key.Server, all.Key.Scenario, all.Key.Clients, g.Count,
                    Median(g.Select(r => r.MessagesPerSecond)), Median(g.Select(r => r.MessagesPerCpuSecond)),
                    Median(g.Select(r => r.P50Us)), Median(g.Select(r => r.P99Us)), Median(g.Select(r => r.P999Us)),
                    Median(g.Select(r => r.Seconds > 0 ? r.ServerCpuSeconds / r.Seconds : 0)),
                    Median(g.Select(r => r.Seconds > 0 ? r.ClientCpuSeconds / r.Seconds : 0)),
                    Median(g.Select(r => r.RssKbPerConnection)), all.Sum(r => r.Errors), all.Sum(r => r.ClientsLost), MergeKinds(all));
            })
            .OrderBy(r => Order(ScenarioOrder, r.Scenario)).ThenBy(r => r.Clients).ThenBy(r => Order(ServerOrder, r.Server))
            .ToList();

        Row? Find(string server, string scenario, int clients) =>
            rows.FirstOrDefault(r => r.Server == server && r.Scenario == scenario && r.Clients == clients);

        var sb = new StringBuilder();
        var rounds = rows.Count == 0 ? 0 : rows.Max(r => r.Rounds);
        sb.AppendLine(CultureInfo.InvariantCulture, $"Medians of {rounds} round(s). msg = one echo/ack round trip (request + reply), one broadcast delivery, or one polling echo; ×Node = this server's value ÷ Node's (efficiency: higher is better; p99: lower is better).");
        sb.AppendLine();
        sb.AppendLine("| Scenario | Clients | Server | msg/s | msg per server CPU-s | ×Node | p50 ms | p99 ms | p99.9 ms | p99 ×Node | server CPU | client CPU | errors |");
        sb.AppendLine("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in rows.Where(r => r.Scenario != "idle"))
        {
            var node = Find(Node, row.Scenario, row.Clients);
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {row.Scenario} | {Clients(row)} | {row.Server} | {row.Rate:N0} | {row.Efficiency:N0} | {Ratio(row.Efficiency, node?.Efficiency)} | {Ms(row.P50)} | {Ms(row.P99)} | {Ms(row.P999)} | {Ratio(row.P99, node?.P99)} | {row.ServerCpu:P0} | {row.ClientCpu:P0} | {Errors(row)} |");
        }

        foreach (var run in failed)
            sb.AppendLine(CultureInfo.InvariantCulture, $"\nFailed run, left out of the medians: {run.Server} {run.Scenario}/{run.Clients} round {run.Round} ({ErrorText(run.Errors, run.ErrorKinds)}, nothing measured).");
        // A run that lost clients measured fewer than it names: its rate is not comparable, whatever its efficiency.
        foreach (var run in results.Where(r => r.ClientsLost > 0 && !failed.Contains(r)))
            sb.AppendLine(CultureInfo.InvariantCulture, $"\nRun that lost clients (in the medians, marked \"lost\" above): {run.Server} {run.Scenario}/{run.Clients} round {run.Round}: {run.ClientsLost} of {run.Clients} lost ({ErrorText(run.Errors, run.ErrorKinds)}).");

        var idle = rows.Where(r => r.Scenario == "idle").ToList();
        if (idle.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("| Idle | Connections | Server | RSS per connection | ×Node | connects/s | connects per server CPU-s | errors |");
            sb.AppendLine("|---|---:|---|---:|---:|---:|---:|---:|");
            foreach (var row in idle)
            {
                var node = Find(Node, "idle", row.Clients);
                sb.AppendLine(CultureInfo.InvariantCulture,
                    $"| idle | {Clients(row)} | {row.Server} | {row.RssPerConnection:0.0} KB | {Ratio(row.RssPerConnection, node?.RssPerConnection)} | {row.Rate:N0} | {row.Efficiency:N0} | {Errors(row)} |");
            }
        }

        AppendSameScheduling(sb, rows.Where(r => r.Scenario != "idle").ToList(), Find);

        sb.AppendLine();
        sb.AppendLine("Targets (TypedIo, same run):");
        sb.AppendLine();
        // The targets of issue 19. Each TypedIo variant is held against the raw peer with its own scheduling (typedio
        // and typedio-r2r: thread pool, raw; typedio-inline: inline, raw-inline).
        foreach (var row in rows.Where(r => SameScheduling.Any(p => p.TypedIo == r.Server)))
        {
            var node = Find(Node, row.Scenario, row.Clients);
            var rawName = SameScheduling.First(p => p.TypedIo == row.Server).Raw;
            var raw = Find(rawName, row.Scenario, row.Clients);
            var key = $"{row.Server} {row.Scenario}/{row.Clients}";
            switch (row.Scenario)
            {
                case "echo" or "ack" or "broadcast":
                    var versusNode = row.Scenario == "broadcast" ? 1.3 : 1.5;
                    Check(sb, $"{key}: msg per server CPU-s ≥ {versusNode.ToString(CultureInfo.InvariantCulture)}× Node", row.Efficiency, node?.Efficiency, versusNode, higherIsBetter: true);
                    Check(sb, $"{key}: msg per server CPU-s ≥ 0.85× {rawName} (raw Kestrel, same scheduling)", row.Efficiency, raw?.Efficiency, 0.85, higherIsBetter: true);
                    Check(sb, $"{key}: p99 ≤ Node", row.P99, node?.P99, 1.0, higherIsBetter: false);
                    break;
                case "cluster-broadcast":
                    Check(sb, $"{key}: deliveries per server CPU-s (both nodes) ≥ 1.5× Node", row.Efficiency, node?.Efficiency, 1.5, higherIsBetter: true);
                    Check(sb, $"{key}: p99 ≤ Node", row.P99, node?.P99, 1.0, higherIsBetter: false);
                    break;
                case "polling":
                    Check(sb, $"{key}: msg per server CPU-s ≥ Node", row.Efficiency, node?.Efficiency, 1.0, higherIsBetter: true);
                    break;
                case "idle":
                    Check(sb, $"{key}: RSS per connection ≤ Node", row.RssPerConnection, node?.RssPerConnection, 1.0, higherIsBetter: false);
                    break;
            }
        }
        return sb.ToString();
    }

    // TypedIo ÷ raw, TypedIo inline ÷ raw-inline (and the ReadyToRun build ÷ raw): one column per pair run together.
    private static void AppendSameScheduling(StringBuilder sb, List<Row> rows, Func<string, string, int, Row?> find)
    {
        var pairs = SameScheduling
            .Where(p => rows.Any(r => r.Server == p.TypedIo && find(p.Raw, r.Scenario, r.Clients) is not null))
            .ToList();
        if (pairs.Count == 0)
            return;
        sb.AppendLine();
        sb.AppendLine("TypedIo ÷ the raw Kestrel peer with the same scheduling (msg per server CPU-s; p99, lower is better):");
        sb.AppendLine();
        sb.AppendLine("| Scenario | Clients | " + string.Join(" | ", pairs.Select(p => $"{p.TypedIo} ÷ {p.Raw} | p99 {p.TypedIo} ÷ {p.Raw}")) + " |");
        sb.AppendLine("|---|---:|" + string.Concat(pairs.Select(_ => "---:|---:|")));
        foreach (var scenario in rows.Select(r => (r.Scenario, r.Clients)).Distinct())
        {
            var cells = pairs.Select(p => (TypedIo: find(p.TypedIo, scenario.Scenario, scenario.Clients), Raw: find(p.Raw, scenario.Scenario, scenario.Clients))).ToList();
            if (cells.All(c => c.TypedIo is null || c.Raw is null))
                continue;
            var ratios = string.Join(" | ", cells.Select(c =>
                c.TypedIo is { } t && c.Raw is { } r ? $"{Ratio(t.Efficiency, r.Efficiency)} | {Ratio(t.P99, r.P99)}" : "– | –"));
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {scenario.Scenario} | {scenario.Clients:N0} | {ratios} |");
        }
    }

    private static void Check(StringBuilder sb, string what, double value, double? reference, double factor, bool higherIsBetter)
    {
        if (reference is not { } r || r <= 0 || double.IsNaN(r))
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"- n/a: {what} (no reference row)");
            return;
        }
        var ratio = value / r;
        var ok = higherIsBetter ? ratio >= factor : ratio <= factor;
        sb.AppendLine(CultureInfo.InvariantCulture, $"- {(ok ? "met" : "MISSED")}: {what} ({ratio:0.00}×)");
    }

    private static string Clients(Row row) =>
        row.ClientsLost > 0 ? string.Create(CultureInfo.InvariantCulture, $"{row.Clients:N0} (**{row.ClientsLost:N0} lost**)") : row.Clients.ToString("N0", CultureInfo.InvariantCulture);

    private static string Errors(Row row) => row.Errors == 0 ? "0" : ErrorText(row.Errors, row.ErrorKinds);

    // Rows of older results.tsv files have a count only.
    private static string ErrorText(long count, string kinds) => kinds.Length > 0 ? kinds : count.ToString(CultureInfo.InvariantCulture) + " error(s)";

    /// <summary>The error kinds of several runs added up: <c>closed: 3, timeout: 1</c>.</summary>
    internal static string MergeKinds(IEnumerable<Result> runs)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var run in runs)
        {
            foreach (var part in run.ErrorKinds.Split(", ", StringSplitOptions.RemoveEmptyEntries))
            {
                var colon = part.LastIndexOf(": ", StringComparison.Ordinal);
                if (colon > 0 && long.TryParse(part.AsSpan(colon + 2), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                    counts[part[..colon]] = counts.GetValueOrDefault(part[..colon]) + n;
            }
        }
        return string.Join(", ", counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}: {c.Value}"));
    }

    private static int Order(string[] order, string value)
    {
        var index = Array.IndexOf(order, value);
        return index < 0 ? order.Length : index;
    }

    private static string Ratio(double value, double? reference) =>
        reference is { } r && r > 0 && !double.IsNaN(r) && !double.IsNaN(value) ? (value / r).ToString("0.00", CultureInfo.InvariantCulture) + "×" : "–";

    private static string Ms(double microseconds) =>
        double.IsNaN(microseconds) ? "–" : (microseconds / 1000).ToString(microseconds < 10_000 ? "0.00" : "0.0", CultureInfo.InvariantCulture);

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).OrderBy(v => v).ToArray();
        if (sorted.Length == 0)
            return double.NaN;
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
