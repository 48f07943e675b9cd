using System.Xml.Linq;
using TypedIo.Generators.Tests.Infrastructure;

namespace TypedIo.Generators.Tests.Packaging;

/// <summary>
/// Packs every package of src/ once per test run into a folder feed outside the repository, with a version no
/// cache has seen, and gives consumers a workspace whose NuGet cache, package sources and template hive are its own.
/// </summary>
public sealed class PackageFeed : IAsyncLifetime
{
    private readonly DirectoryInfo work = Directory.CreateTempSubdirectory("typedio-packages-");

    /// <summary>The version every package of this run has (so no cached TypedIo can stand in for it).</summary>
    public string Version { get; } = $"0.0.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}";

    /// <summary>The folder feed with the .nupkg and .snupkg files.</summary>
    public string Feed => Path.Combine(work.FullName, "feed");

    /// <summary>The environment every consumer command runs with: its own global packages folder and template hive.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["NUGET_PACKAGES"] = Path.Combine(work.FullName, "nuget-packages"),
        ["DOTNET_CLI_HOME"] = Path.Combine(work.FullName, "dotnet-home"),
    };

    /// <summary>A private <c>dotnet new</c> template cache (<c>--debug:custom-hive</c>).</summary>
    public string TemplateHive => Path.Combine(work.FullName, "template-hive");

    /// <summary>The package file of one package of this run.</summary>
    public string Package(string id, string extension = "nupkg") => Path.Combine(Feed, $"{id}.{Version}.{extension}");

    public async Task InitializeAsync()
    {
        var root = RepositoryPaths.RepositoryRoot;
        Directory.CreateDirectory(Feed);
        // Every src/ project that is a package (the generator and the analyzers say IsPackable=false: they ship in
        // TypedIo). Built under a private artifacts path, so the repository's own bin/ and obj/ are left alone.
        var projects = Directory.GetFiles(Path.Combine(root, "src"), "*.csproj", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}content{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(p => !XDocument.Load(p).Descendants("IsPackable").Any(e => e.Value.Trim() == "false"))
            .Order(StringComparer.Ordinal);
        foreach (var project in projects)
        {
            await Shell.RunAsync(root, TimeSpan.FromMinutes(8), null, "dotnet", "pack", project, "-c", "Release", "-nologo",
                "-o", Feed, "--artifacts-path", Path.Combine(work.FullName, "artifacts"), $"-p:Version={Version}");
        }
    }

    private readonly SemaphoreSlim copying = new(1);
    private string? source;

    /// <summary>
    /// A copy of the repository's build files and src/ (no bin/, obj/, git) outside it: what a contributor's clone is to
    /// an app that uses TypedIo from source, without touching this checkout's outputs.
    /// </summary>
    public async Task<string> SourceCopyAsync()
    {
        await copying.WaitAsync();
        try
        {
            if (source is not null)
                return source;
            var root = RepositoryPaths.RepositoryRoot;
            var copy = Directory.CreateDirectory(Path.Combine(work.FullName, "typedio-source")).FullName;
            foreach (var file in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props", "global.json", "README.md" })
                File.Copy(Path.Combine(root, file), Path.Combine(copy, file));
            foreach (var file in Directory.EnumerateFiles(Path.Combine(root, "src"), "*", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(root, file);
                if (relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or "node_modules"))
                    continue;
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(copy, relative))!);
                File.Copy(file, Path.Combine(copy, relative));
            }
            return source = copy + Path.DirectorySeparatorChar;
        }
        finally
        {
            copying.Release();
        }
    }

    /// <summary>A fresh folder outside the repository whose nuget.config lists the feed, then the machine's restored packages, then nuget.org.</summary>
    public string NewConsumerFolder(string name)
    {
        var folder = Directory.CreateDirectory(Path.Combine(work.FullName, name)).FullName;
        var restored = System.Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var sources = new List<string> { $"""<add key="typedio-local" value="{Feed}" />""" };
        // The machine's global packages folder is a folder feed too: the dependencies the repository restored come from
        // there without the network. It never holds this run's TypedIo version.
        if (Directory.Exists(restored))
            sources.Add($"""<add key="restored" value="{restored}" />""");
        sources.Add("""<add key="nuget.org" value="https://api.nuget.org/v3/index.json" />""");
        // Source mapping: TypedIo packages come from the local feed only, whatever another source may hold.
        File.WriteAllText(Path.Combine(folder, "nuget.config"), $"""
            <configuration>
              <packageSources>
                <clear />
                {string.Join("\n    ", sources)}
              </packageSources>
              <packageSourceMapping>
                <packageSource key="typedio-local"><package pattern="TypedIo" /><package pattern="TypedIo.*" /></packageSource>
                {string.Join("\n    ", sources.Skip(1).Select(s => $"""<packageSource key="{s.Split('"')[1]}"><package pattern="*" /></packageSource>"""))}
              </packageSourceMapping>
            </configuration>
            """);
        return folder;
    }

    public Task DisposeAsync()
    {
        work.Delete(recursive: true);
        return Task.CompletedTask;
    }
}
