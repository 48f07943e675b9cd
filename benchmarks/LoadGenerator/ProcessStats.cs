using System.Globalization;

namespace TypedIo.Benchmarks.LoadGenerator;

/// <summary>CPU time and resident memory of another process, read from /proc (Linux only).</summary>
internal static class ProcessStats
{
    /// <summary>utime + stime of <paramref name="pid"/> in clock ticks (all threads).</summary>
    public static long CpuTicks(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // The command name is in parentheses and may contain spaces: fields are counted after the last ')'.
        var rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // rest[0] is field 3 (state); utime is field 14, stime field 15.
        var utime = long.Parse(rest[14 - 3], CultureInfo.InvariantCulture);
        var stime = long.Parse(rest[15 - 3], CultureInfo.InvariantCulture);
        return utime + stime;
    }

    /// <summary>VmRSS of <paramref name="pid"/> in KiB.</summary>
    public static long RssKb(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
        }
        return -1;
    }

    public static bool Exists(int pid) => File.Exists($"/proc/{pid}/stat");
}
