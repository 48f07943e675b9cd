using System.Reflection;
using System.Runtime.CompilerServices;

namespace TypedIo.Generators.Tests.Infrastructure;

/// <summary>
/// Where the test sources are on disk. A CI build (ContinuousIntegrationBuild) maps source paths to <c>/_/</c>, so a
/// <c>[CallerFilePath]</c> is not a real path there; the project directory recorded at build time is.
/// </summary>
public static class RepositoryPaths
{
    private static readonly Lazy<string> Root = new(FindRoot);

    /// <summary>The checkout's root folder (holding TypedIo.sln).</summary>
    public static string RepositoryRoot => Root.Value;

    /// <summary>The real path of a source file of this checkout, given as the compiler recorded it.</summary>
    public static string SourcePath([CallerFilePath] string recorded = "")
    {
        if (File.Exists(recorded))
            return recorded;
        const string mapped = "/_/";
        return recorded.StartsWith(mapped, StringComparison.Ordinal)
            ? Path.Combine(RepositoryRoot, recorded[mapped.Length..])
            : recorded;
    }

    private static string FindRoot()
    {
        var projectDirectory = typeof(RepositoryPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "ProjectDirectory").Value!;
        for (var dir = new DirectoryInfo(projectDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TypedIo.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("TypedIo.sln not found above " + projectDirectory);
    }
}
