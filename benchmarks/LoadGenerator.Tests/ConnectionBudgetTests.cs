namespace TypedIo.Benchmarks.LoadGenerator.Tests;

public class ConnectionBudgetTests
{
    private const string Limits =
        "Limit                     Soft Limit           Hard Limit           Units     \n" +
        "Max processes             96367                96367                processes \n" +
        "Max open files            20000                40000                files     \n" +
        "Max locked memory         8388608              8388608              bytes     \n";

    [Fact]
    public void The_soft_open_file_limit_is_read_from_proc_limits()
    {
        Assert.Equal(20000, ConnectionBudget.ParseOpenFileLimit(Limits));
        Assert.Null(ConnectionBudget.ParseOpenFileLimit(Limits.Replace("20000  ", "unlimited", StringComparison.Ordinal)));
        Assert.NotNull(ConnectionBudget.OpenFileLimit(Environment.ProcessId));
    }

    [Fact]
    public void Twenty_thousand_connections_do_not_fit_a_limit_of_twenty_thousand_and_the_reason_says_how_many_do()
    {
        var reason = ConnectionBudget.FileShortfall("server raw", 42, 20_000, 20_000, open: 161);

        Assert.NotNull(reason);
        Assert.Contains("server raw (pid 42) may open 20,000 files", reason, StringComparison.Ordinal);
        Assert.Contains("at most 19,807 fit", reason, StringComparison.Ordinal);
        Assert.Null(ConnectionBudget.FileShortfall("server raw", 42, 19_807, 20_000, open: 161));
        Assert.Null(ConnectionBudget.FileShortfall("server raw", 42, 1_000_000, limit: null, open: 161));
    }

    [Fact]
    public void Connections_beyond_the_ports_of_the_source_addresses_are_refused()
    {
        // 32768–60999: 28,232 ports per address.
        Assert.Null(ConnectionBudget.PortShortfall(20_000, 1, 32768, 60999));
        Assert.Contains("raise --source-ips", ConnectionBudget.PortShortfall(30_000, 1, 32768, 60999), StringComparison.Ordinal);
        Assert.Null(ConnectionBudget.PortShortfall(30_000, 2, 32768, 60999));
    }

    [Fact]
    public void The_check_reads_the_real_limits_of_the_processes_involved()
    {
        var limit = (int)ConnectionBudget.OpenFileLimit(Environment.ProcessId)!.Value;
        var settings = new Settings(new Uri("http://127.0.0.1:1"), Environment.ProcessId, "self", 0, 0, 64, 100, 1, 1, 4, 0, 8);

        var reasons = ConnectionBudget.Check("idle", limit, settings);

        Assert.Contains(reasons, r => r.StartsWith($"the load generator (pid {Environment.ProcessId})", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.StartsWith($"server self (pid {Environment.ProcessId})", StringComparison.Ordinal));
        Assert.Empty(ConnectionBudget.Check("idle", 10, settings));
    }

    [Fact]
    public void A_polling_client_counts_two_connections()
    {
        var limit = (int)ConnectionBudget.OpenFileLimit(Environment.ProcessId)!.Value;
        // Not loopback: only the open files count (the source addresses' ports are checked for loopback runs).
        var settings = new Settings(new Uri("http://192.0.2.1:1"), Environment.ProcessId, "self", 0, 0, 64, 100, 1, 1, 4, 0, 8);
        var clients = (limit / 2) + 1;

        Assert.Empty(ConnectionBudget.Check("echo", clients, settings));
        Assert.Contains(ConnectionBudget.Check("polling", clients, settings), r => r.StartsWith("the load generator", StringComparison.Ordinal));
    }
}
