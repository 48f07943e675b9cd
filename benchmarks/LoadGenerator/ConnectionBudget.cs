using System.Globalization;

namespace TypedIo.Benchmarks.LoadGenerator;

/// <summary>
/// What N connections need from this machine, checked before a scenario opens them: one socket (a file descriptor)
/// per connection in the load generator and in each server process, and one local port per connection on the
/// loopback source addresses. A run that cannot get them fails at once with the reason, instead of connecting until
/// the server's <c>accept</c> fails with EMFILE (Kestrel then leaves the rest in the kernel's backlog: the clients
/// time out one by one, and the raw peer grew to "Out of memory." at 20,000 under a hard limit of 20,000).
/// </summary>
internal static class ConnectionBudget
{
    /// <summary>Descriptors a process may still open beyond those open now and the connections (logs, pipes, timers).</summary>
    public const int Headroom = 32;

    /// <summary>Every reason the scenario's connections do not fit; empty when they do.</summary>
    public static List<string> Check(string scenario, int clients, Settings settings)
    {
        // A broadcast adds its sender; a polling client holds a GET and a POST at once (two pooled HTTP connections);
        // the clients of a two-node run are split between the nodes.
        var connections = scenario switch
        {
            "broadcast" or "cluster-broadcast" => clients + 1,
            "polling" => 2 * clients,
            _ => clients,
        };
        var reasons = new List<string>();
        Add(reasons, FileShortfall("the load generator", Environment.ProcessId, connections, OpenFileLimit(Environment.ProcessId), OpenFiles(Environment.ProcessId)));
        if (settings.SecondServerPid > 0)
        {
            var first = (connections + 1) / 2;
            Add(reasons, FileShortfall($"server {settings.ServerName}", settings.ServerPid, first, OpenFileLimit(settings.ServerPid), OpenFiles(settings.ServerPid)));
            Add(reasons, FileShortfall($"server {settings.ServerName} (second node)", settings.SecondServerPid, connections - first, OpenFileLimit(settings.SecondServerPid), OpenFiles(settings.SecondServerPid)));
        }
        else
        {
            Add(reasons, FileShortfall($"server {settings.ServerName}", settings.ServerPid, connections, OpenFileLimit(settings.ServerPid), OpenFiles(settings.ServerPid)));
        }
        if (settings.Url.IsLoopback && LocalPortRange() is var (low, high))
            Add(reasons, PortShortfall(connections, settings.SourceAddresses, low, high));
        return reasons;
    }

    /// <summary>
    /// Why <paramref name="who"/> cannot hold <paramref name="connections"/> more sockets with <paramref name="open"/>
    /// descriptors open under a limit of <paramref name="limit"/> (null: unlimited), or null when it can.
    /// </summary>
    public static string? FileShortfall(string who, int pid, int connections, long? limit, int open)
    {
        if (limit is not { } max || open + connections + Headroom <= max)
            return null;
        var needed = open + connections + Headroom;
        var fit = Math.Max(0, max - open - Headroom);
        return string.Create(CultureInfo.InvariantCulture, $"{who} (pid {pid}) may open {max:N0} files (RLIMIT_NOFILE) and has {open:N0} open: {connections:N0} connections need {needed:N0} with {Headroom} to spare, so at most {fit:N0} fit. ")
            + "Raise `ulimit -n` before starting it (the scripts raise it to the hard limit; above that needs root with CAP_SYS_RESOURCE)";
    }

    /// <summary>
    /// Why <paramref name="connections"/> do not fit the local ports of <paramref name="sourceAddresses"/> loopback
    /// addresses (each connection binds one port of <c>ip_local_port_range</c> on its address), or null when they do.
    /// </summary>
    public static string? PortShortfall(int connections, int sourceAddresses, int low, int high)
    {
        var perAddress = (long)high - low + 1;
        var capacity = perAddress * Math.Max(1, sourceAddresses);
        if (connections <= capacity)
            return null;
        var addresses = Math.Max(1, sourceAddresses);
        return string.Create(CultureInfo.InvariantCulture, $"{connections:N0} connections need more local ports than {addresses} source address(es) × {perAddress:N0} (net.ipv4.ip_local_port_range {low}–{high}) = {capacity:N0}: raise --source-ips (SOURCE_IPS)");
    }

    /// <summary>The soft "Max open files" of a <c>/proc/PID/limits</c> text; null when unlimited or not found.</summary>
    public static long? ParseOpenFileLimit(string limits)
    {
        foreach (var line in limits.Split('\n'))
        {
            if (!line.StartsWith("Max open files", StringComparison.Ordinal))
                continue;
            var soft = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
            return soft == "unlimited" ? null : long.Parse(soft, CultureInfo.InvariantCulture);
        }
        return null;
    }

    /// <summary>The soft open-file limit of <paramref name="pid"/>; null when unlimited or unknown (not Linux).</summary>
    public static long? OpenFileLimit(int pid) =>
        File.Exists($"/proc/{pid}/limits") ? ParseOpenFileLimit(File.ReadAllText($"/proc/{pid}/limits")) : null;

    /// <summary>The descriptors <paramref name="pid"/> has open (0 when they cannot be listed).</summary>
    public static int OpenFiles(int pid)
    {
        try
        {
            return Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    private static (int Low, int High)? LocalPortRange()
    {
        const string path = "/proc/sys/net/ipv4/ip_local_port_range";
        if (!File.Exists(path))
            return null;
        var parts = File.ReadAllText(path).Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        return (int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    private static void Add(List<string> reasons, string? reason)
    {
        if (reason is not null)
            reasons.Add(reason);
    }
}
