namespace TypedIo.Benchmarks.LoadGenerator;

internal sealed record Settings(
    Uri Url,
    int ServerPid,
    string ServerName,
    double WarmupSeconds,
    double DurationSeconds,
    int PayloadBytes,
    long ClockTicksPerSecond,
    int Round,
    int SourceAddresses,
    int BroadcastWindow,
    double IdleSettleSeconds,
    int ConnectParallelism,
    Uri? SecondUrl = null,
    int SecondServerPid = 0,
    string? SeriesPath = null,
    double BroadcastRate = 0)
{
    /// <summary>Server CPU time in clock ticks: both nodes' for the two-node scenarios.</summary>
    public long ServerCpuTicks() =>
        ProcessStats.CpuTicks(ServerPid) + (SecondServerPid > 0 ? ProcessStats.CpuTicks(SecondServerPid) : 0);
}
