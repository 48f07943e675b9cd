using System.Globalization;
using System.Reflection.PortableExecutable;
using System.Text;

namespace TypedIo.Benchmarks.LoadGenerator;

/// <summary>
/// Whether assemblies carry ReadyToRun code: a ReadyToRun image has a managed native header in its CLI header whose
/// signature is "RTR" (an IL-only assembly has none). Used by run-fresh.sh to refuse a publish that silently fell back
/// to IL only.
/// </summary>
internal static class ReadyToRunCheck
{
    private const uint Signature = 0x00525452; // "RTR\0", little-endian

    /// <summary>Prints one line per file; returns false when any of them is not a ReadyToRun image.</summary>
    public static bool Check(IEnumerable<string> paths, TextWriter output)
    {
        var all = true;
        foreach (var path in paths)
        {
            var compiled = IsReadyToRun(path);
            all &= compiled;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{Path.GetFileName(path)}: {(compiled ? "ReadyToRun" : "IL only, NOT ReadyToRun")} ({new FileInfo(path).Length / 1024:N0} KB)"));
        }
        return all;
    }

    private static bool IsReadyToRun(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        var header = pe.PEHeaders.CorHeader?.ManagedNativeHeaderDirectory;
        if (header is not { Size: >= 4 } directory)
            return false;
        var reader = pe.GetSectionData(directory.RelativeVirtualAddress).GetReader();
        return reader.Length >= 4 && reader.ReadUInt32() == Signature;
    }
}
