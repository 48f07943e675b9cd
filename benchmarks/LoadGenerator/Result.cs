namespace TypedIo.Benchmarks.LoadGenerator;

/// <summary>One measured row. Messages: echo/ack/polling round trips, broadcast deliveries, idle connections.</summary>
internal sealed record Result(
    int Round,
    string Server,
    string Scenario,
    int Clients,
    long Messages,
    double Seconds,
    double ServerCpuSeconds,
    double ClientCpuSeconds,
    double P50Us,
    double P99Us,
    double P999Us,
    double RssKbPerConnection,
    long Errors,
    long ClientAllocatedBytes = -1,
    int ClientsLost = 0,
    string ErrorKinds = "")
{
    public double MessagesPerSecond => Seconds > 0 ? Messages / Seconds : 0;

    public double MessagesPerCpuSecond => ServerCpuSeconds > 0 ? Messages / ServerCpuSeconds : 0;

    /// <summary>The load generator's own CPU per message, in microseconds: whether it, not the server, was the limit.</summary>
    public double ClientCpuUsPerMessage => Messages > 0 ? ClientCpuSeconds * 1e6 / Messages : double.NaN;

    /// <summary>Bytes the load generator allocated per message in the measured window (independent of the load).</summary>
    public double ClientBytesPerMessage => Messages > 0 && ClientAllocatedBytes >= 0 ? ClientAllocatedBytes / (double)Messages : double.NaN;

    // The last three columns came later: rows of older results.tsv files have 13 columns and parse with their defaults.
    public static string Header =>
        "round\tserver\tscenario\tclients\tmessages\tseconds\tserver_cpu_s\tclient_cpu_s\tp50_us\tp99_us\tp999_us\trss_kb_per_conn\terrors\tclient_alloc_bytes\tclients_lost\terror_kinds";

    public string ToTsv() => string.Join('\t',
        Round, Server, Scenario, Clients, Messages, F(Seconds), F(ServerCpuSeconds), F(ClientCpuSeconds), F(P50Us), F(P99Us), F(P999Us), F(RssKbPerConnection), Errors,
        ClientAllocatedBytes, ClientsLost, ErrorKinds.Length == 0 ? "-" : ErrorKinds);

    public static Result Parse(string line)
    {
        var f = line.Split('\t');
        return new Result(int.Parse(f[0], Inv), f[1], f[2], int.Parse(f[3], Inv), long.Parse(f[4], Inv), D(f[5]), D(f[6]), D(f[7]), D(f[8]), D(f[9]), D(f[10]), D(f[11]), long.Parse(f[12], Inv),
            f.Length > 13 ? long.Parse(f[13], Inv) : -1,
            f.Length > 14 ? int.Parse(f[14], Inv) : 0,
            f.Length > 15 && f[15] != "-" ? f[15] : "");
    }

    private static readonly IFormatProvider Inv = System.Globalization.CultureInfo.InvariantCulture;

    private static string F(double value) => double.IsNaN(value) ? "NaN" : value.ToString("0.###", Inv);

    private static double D(string text) => double.Parse(text, Inv);
}
