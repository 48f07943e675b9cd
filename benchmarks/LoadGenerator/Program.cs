using System.Diagnostics;
using System.Globalization;
using TypedIo.Benchmarks.LoadGenerator;

// Usage:
//   run    --url http://127.0.0.1:3100 --server-pid PID --server-name typedio --scenarios echo:100,ack:1000,...
//          (a scenario written ~echo:100 or ~echo:100:SECONDS only warms the server up: 0.5 s + 2 s or SECONDS, not
//          recorded; the efficiency of each pass is printed, and a warning when the last pass of a scenario was still
//          clearly more efficient than every one before, i.e. the server had not reached steady code yet)
//          [--warmup 1.5] [--duration 5] [--payload 64] [--clk-tck 100] [--round 1] [--out results.tsv]
//          [--source-ips 4] [--broadcast-window 4] [--idle-settle 2] [--connect-parallelism 64]
//          [--url2 URL --server-pid2 PID]   (the second node of a cluster, for cluster-broadcast; CPU is both nodes')
//          [--series FILE]  (messages and server CPU in every second of each recorded scenario, warm-up included)
//          [--broadcast-rate N]  (broadcast scenarios: N broadcasts per second offered instead of a closed loop)
//   report results.tsv [--md table.md]
//   curve  series.tsv     (the per-second series as a table: the cold-start curve)
//   readytorun FILE.dll... (exit code 1 unless every file is a ReadyToRun image)
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: run --url URL --server-pid PID --server-name NAME --scenarios LIST ... | report FILE [--md OUT]");
    return 2;
}

var options = ParseOptions(args.AsSpan(1));
if (args[0] == "curve")
{
    Console.WriteLine(Curve.Build(File.ReadAllLines(args[1]).Skip(1)));
    return 0;
}
if (args[0] == "readytorun")
    return ReadyToRunCheck.Check(args.Skip(1), Console.Out) ? 0 : 1;
if (args[0] == "report")
{
    var markdown = Report.Build(File.ReadAllLines(args[1]).Skip(1).Where(l => l.Length > 0).Select(Result.Parse).ToList());
    Console.WriteLine(markdown);
    if (options.TryGetValue("md", out var md))
        File.WriteAllText(md, markdown);
    return 0;
}

// Socket completions must run inline on the epoll thread (no thread-pool hop per message in the client); the
// runtime reads this switch only from the environment, so re-run with it set.
if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") != "1")
{
    var start = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false };
    if (!Environment.ProcessPath!.EndsWith("TypedIo.Benchmarks.LoadGenerator", StringComparison.Ordinal))
        start.ArgumentList.Add(typeof(Result).Assembly.Location);
    foreach (var arg in args)
        start.ArgumentList.Add(arg);
    start.Environment["DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS"] = "1";
    using var child = Process.Start(start)!;
    child.WaitForExit();
    return child.ExitCode;
}

string Get(string name, string fallback) => options.TryGetValue(name, out var value) ? value : fallback;
double Num(string name, double fallback) => double.Parse(Get(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

var settings = new Settings(
    new Uri(Get("url", "http://127.0.0.1:3100")),
    (int)Num("server-pid", 0),
    Get("server-name", "server"),
    Num("warmup", 1.5),
    Num("duration", 5),
    (int)Num("payload", 64),
    (long)Num("clk-tck", 100),
    (int)Num("round", 1),
    (int)Num("source-ips", 4),
    (int)Num("broadcast-window", 4),
    Num("idle-settle", 2),
    (int)Num("connect-parallelism", 64),
    options.TryGetValue("url2", out var url2) ? new Uri(url2) : null,
    (int)Num("server-pid2", 0),
    options.TryGetValue("series", out var series) ? series : null,
    Num("broadcast-rate", 0));
if (settings.ServerPid <= 0 || !ProcessStats.Exists(settings.ServerPid) || (settings.SecondServerPid > 0 && !ProcessStats.Exists(settings.SecondServerPid)))
{
    Console.Error.WriteLine("--server-pid must name a running process (its CPU time is read from /proc)");
    return 2;
}

ThreadPool.SetMinThreads(Environment.ProcessorCount * 2, Environment.ProcessorCount * 2);
using var transport = new Transport(settings.SourceAddresses);
var output = options.TryGetValue("out", out var outPath) ? outPath : null;
if (output is not null && !File.Exists(output))
    File.WriteAllText(output, Result.Header + "\n");

var failed = false;
var warmPasses = new Dictionary<string, List<double>>(StringComparer.Ordinal);
foreach (var item in Get("scenarios", "echo:100").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
{
    // "~scenario:clients" warms the server's JIT and pools: run briefly, not recorded.
    var warmOnly = item.StartsWith('~');
    var parts = item.TrimStart('~').Split(':');
    var scenario = parts[0];
    var clients = parts.Length > 1 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : 100;
    var warmSeconds = warmOnly && parts.Length > 2 ? double.Parse(parts[2], CultureInfo.InvariantCulture) : 2;
    if (!ProcessStats.Exists(settings.ServerPid))
    {
        Console.Error.WriteLine($"server {settings.ServerName} (pid {settings.ServerPid}) is gone");
        return 1;
    }
    var shortfalls = ConnectionBudget.Check(scenario, clients, settings);
    if (shortfalls.Count > 0)
    {
        Console.Error.WriteLine($"{settings.ServerName} {scenario}:{clients} failed: this machine cannot hold {clients:N0} connections, not run:");
        foreach (var reason in shortfalls)
            Console.Error.WriteLine("  " + reason);
        failed = true;
        continue;
    }
    Result result;
    try
    {
        result = await Scenarios.RunAsync(scenario, clients, warmOnly ? settings with { WarmupSeconds = 0.5, DurationSeconds = warmSeconds, SeriesPath = null } : settings, transport);
    }
    catch (Exception ex)
    {
        var gone = !ProcessStats.Exists(settings.ServerPid) || (settings.SecondServerPid > 0 && !ProcessStats.Exists(settings.SecondServerPid));
        Console.Error.WriteLine($"{settings.ServerName} {scenario}:{clients} failed: " +
            (gone ? "the server process exited during the run (see its log)" : ex.Message));
        failed = true;
        continue;
    }
    if (warmOnly)
    {
        Console.WriteLine($"{result.Server,-8} (warm-up {scenario}:{clients}: {result.MessagesPerSecond:N0} msg/s, {result.MessagesPerCpuSecond:N0} msg/server-CPU-s, not recorded)");
        var passes = warmPasses.TryGetValue($"{scenario}:{clients}", out var list) ? list : warmPasses[$"{scenario}:{clients}"] = [];
        passes.Add(result.MessagesPerCpuSecond);
        await Task.Delay(500);
        continue;
    }
    Console.WriteLine(
        $"{result.Server,-8} {result.Scenario,-9} {result.Clients,6} clients: {result.MessagesPerSecond,10:N0} msg/s " +
        $"{result.MessagesPerCpuSecond,10:N0} msg/server-CPU-s  p50 {result.P50Us / 1000,7:0.###} ms  p99 {result.P99Us / 1000,7:0.###} ms  " +
        $"p99.9 {result.P999Us / 1000,7:0.###} ms  server CPU {100 * result.ServerCpuSeconds / result.Seconds,5:0}%  client CPU {100 * result.ClientCpuSeconds / result.Seconds,5:0}%" +
        (double.IsNaN(result.ClientBytesPerMessage) ? "" : $" ({result.ClientCpuUsPerMessage:0.00} us/msg, {result.ClientBytesPerMessage:0.#} B/msg)") +
        (double.IsNaN(result.RssKbPerConnection) ? "" : $"  RSS {result.RssKbPerConnection:0.0} KB/conn") +
        (result.Errors > 0 ? $"  errors ({result.ErrorKinds})" : "") +
        (result.ClientsLost > 0 ? $"  LOST {result.ClientsLost} of {result.Clients} clients" : ""));
    if (output is not null)
        File.AppendAllText(output, result.ToTsv() + "\n");
    // Closed sockets and the server's cleanup should not bleed into the next scenario.
    await Task.Delay(500);
}
foreach (var (key, passes) in warmPasses)
{
    Console.WriteLine($"{settings.ServerName,-8} warm-up {key}, msg per server CPU-s by pass: {string.Join(" ", passes.Select(p => p.ToString("N0", CultureInfo.InvariantCulture)))}");
    // Against the best earlier pass, so that one pass slowed by a neighbour on the machine does not raise it.
    var bestBefore = passes.SkipLast(1).DefaultIfEmpty(double.NaN).Max();
    if (passes.Count >= 2 && passes[^1] > 1.15 * bestBefore)
        Console.WriteLine($"warning: {settings.ServerName} was still speeding up on {key} at the end of its warm-up (+{passes[^1] / bestBefore - 1:P0} over its best earlier pass): give it more warm-up (WARM_CYCLES)");
}
return failed ? 1 : 0;

static Dictionary<string, string> ParseOptions(ReadOnlySpan<string> args)
{
    var result = new Dictionary<string, string>(StringComparer.Ordinal);
    for (var i = 0; i < args.Length; i++)
    {
        if (args[i].StartsWith("--", StringComparison.Ordinal) && i + 1 < args.Length)
        {
            result[args[i][2..]] = args[i + 1];
            i++;
        }
    }
    return result;
}
