using System.Globalization;

namespace TypedIo.Redis.Tests.Soak;

/// <summary>A process's resident memory as Linux reports it (<c>/proc/PID/status</c>): now and its high-water mark.</summary>
internal readonly record struct ProcessMemory(long ResidentBytes, long PeakResidentBytes)
{
    /// <summary>Reads <c>VmRSS</c> and <c>VmHWM</c> of process <paramref name="processId"/>.</summary>
    public static ProcessMemory Read(int processId)
    {
        long rss = 0, peak = 0;
        foreach (var line in File.ReadLines($"/proc/{processId}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                rss = Kilobytes(line);
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                peak = Kilobytes(line);
        }
        return new ProcessMemory(rss * 1024, peak * 1024);
    }

    private static long Kilobytes(string line) =>
        long.Parse(line.AsSpan(line.IndexOf(':') + 1).Trim().TrimEnd("kB").Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture);
}
