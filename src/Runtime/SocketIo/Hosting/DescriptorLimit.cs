using System.Globalization;

namespace TypedIo.SocketIo;

/// <summary>The process's open-file limit and how many descriptors it holds, read from <c>/proc/self</c> (Linux).</summary>
internal static class DescriptorLimit
{
    /// <summary>The soft <c>RLIMIT_NOFILE</c> (the .NET runtime raises it to the hard limit at start), or null when unknown or unlimited.</summary>
    public static long? ReadSoftLimit(string limitsPath = "/proc/self/limits")
    {
        if (!File.Exists(limitsPath))
            return null;
        foreach (var line in File.ReadLines(limitsPath))
        {
            if (!line.StartsWith("Max open files", StringComparison.Ordinal))
                continue;
            var fields = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields.Length > 0 && long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var soft) ? soft : null;
        }
        return null;
    }

    /// <summary>The number of descriptors the process holds now (the listing's own descriptor not counted), or null when unknown.</summary>
    public static int? CountOpen(string fdPath = "/proc/self/fd")
    {
        if (!Directory.Exists(fdPath))
            return null;
        var count = 0;
        foreach (var _ in Directory.EnumerateFileSystemEntries(fdPath))
            count++;
        return Math.Max(0, count - 1);
    }

    /// <summary>How many connections fit: the limit less the descriptors held and the reserve; null when no cap applies.</summary>
    public static int? Budget(long? limit, int? open, int reserved)
    {
        if (limit is not { } l || open is not { } o)
            return null;
        return (int)Math.Clamp(l - o - reserved, 0, int.MaxValue);
    }
}
