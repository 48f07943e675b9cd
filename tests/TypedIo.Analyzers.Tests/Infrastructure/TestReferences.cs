using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace TypedIo.Analyzers.Tests.Infrastructure;

/// <summary>What test compilations reference: the net10.0 and ASP.NET Core reference assemblies, and TypedIo.dll.</summary>
internal static class TestReferences
{
    /// <summary>
    /// No package: the testing library's own download of Microsoft.NETCore.App.Ref (<c>ReferenceAssemblies.Net.Net100</c>)
    /// fails in this environment (KeyNotFoundException inside its NuGet resolver), so the references are added below.
    /// </summary>
    public static ReferenceAssemblies None { get; } = new("net10.0");

    /// <summary>
    /// The net10.0 reference packs of the SDK that runs the tests (<c>packs/Microsoft.NETCore.App.Ref</c> and
    /// <c>packs/Microsoft.AspNetCore.App.Ref</c>: what a net10.0 project compiles against, nothing downloaded), or, where
    /// the packs are missing, the trusted platform assemblies of this process (the same API as implementation assemblies),
    /// plus TypedIo.dll.
    /// </summary>
    public static IReadOnlyList<MetadataReference> All { get; } = Create();

    private static List<MetadataReference> Create()
    {
        var references = new List<MetadataReference> { MetadataReference.CreateFromFile(typeof(SocketHub).Assembly.Location) };
        var dotnetRoot = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "..", "..", ".."));
        var packs = new[] { "Microsoft.NETCore.App.Ref", "Microsoft.AspNetCore.App.Ref" }
            .Select(pack => ReferencePack(dotnetRoot, pack))
            .ToList();
        if (packs.All(p => p is not null))
        {
            foreach (var pack in packs)
                references.AddRange(Directory.GetFiles(pack!, "*.dll").Select(f => MetadataReference.CreateFromFile(f)));
            return references;
        }
        var platform = (string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!;
        references.AddRange(platform.Split(Path.PathSeparator).Where(p => p.EndsWith(".dll", StringComparison.Ordinal))
            .Select(p => MetadataReference.CreateFromFile(p)));
        return references;
    }

    /// <summary>The ref/net10.0 folder of the newest 10.x version of <paramref name="pack"/>, or null.</summary>
    private static string? ReferencePack(string dotnetRoot, string pack)
    {
        var versions = Path.Combine(dotnetRoot, "packs", pack);
        if (!Directory.Exists(versions))
            return null;
        return Directory.GetDirectories(versions)
            .Where(v => Version.TryParse(Path.GetFileName(v).Split('-')[0], out var version) && version.Major == 10)
            .OrderByDescending(v => Version.Parse(Path.GetFileName(v).Split('-')[0]))
            .Select(v => Path.Combine(v, "ref", "net10.0"))
            .FirstOrDefault(Directory.Exists);
    }
}
