using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using TypedIo.Generators.Tests.Infrastructure;

namespace TypedIo.Generators.Tests.Packaging;

/// <summary>
/// The way a user gets TypedIo, from the packages only: packed once into a local feed, consumed from fresh folders
/// outside the repository (their own nuget.config, NuGet cache and template hive) by docs/getting-started.md followed
/// verbatim, by the `dotnet new typedio` template, and by projects missing part of the wiring.
/// </summary>
public sealed partial class PackageConsumerTests(PackageFeed feed) : IClassFixture<PackageFeed>
{
    private static readonly TimeSpan Build = TimeSpan.FromMinutes(5);

    [Fact]
    public void The_packages_carry_the_runtime_generator_analyzers_targets_and_metadata()
    {
        using (var zip = ZipFile.OpenRead(feed.Package("TypedIo")))
        {
            var entries = zip.Entries.Select(e => e.FullName).ToList();
            Assert.Contains("lib/net10.0/TypedIo.dll", entries);
            Assert.Contains("lib/net10.0/TypedIo.xml", entries);
            Assert.Contains("analyzers/dotnet/cs/TypedIo.Generators.dll", entries);
            Assert.Contains("analyzers/dotnet/cs/TypedIo.Analyzers.dll", entries);
            Assert.Contains("analyzers/dotnet/cs/TypedIo.Analyzers.CodeFixes.dll", entries);
            Assert.Contains("build/TypedIo.targets", entries);
            Assert.Contains("buildTransitive/TypedIo.targets", entries);
            Assert.Contains("README.md", entries);

            var nuspec = Nuspec(zip);
            Assert.Equal(feed.Version, Element(nuspec, "version").Value);
            Assert.Equal("MIT", Element(nuspec, "license").Value);
            Assert.Equal("README.md", Element(nuspec, "readme").Value);
            Assert.StartsWith("https://github.com/", Element(nuspec, "repository").Attribute("url")!.Value, StringComparison.Ordinal);
            Assert.Matches("^[0-9a-f]{40}$", Element(nuspec, "repository").Attribute("commit")!.Value);
            // The Roslyn assemblies run inside the compiler: the user's app depends on FluentValidation only.
            var dependencies = nuspec.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => e.Attribute("id")!.Value).ToList();
            Assert.Equal(["FluentValidation"], dependencies);
        }
        using (var symbols = ZipFile.OpenRead(feed.Package("TypedIo", "snupkg")))
            Assert.Contains("lib/net10.0/TypedIo.pdb", symbols.Entries.Select(e => e.FullName));

        using (var redis = ZipFile.OpenRead(feed.Package("TypedIo.Redis")))
        {
            var entries = redis.Entries.Select(e => e.FullName).ToList();
            Assert.Contains("lib/net10.0/TypedIo.Redis.dll", entries);
            Assert.Contains("lib/net10.0/TypedIo.Redis.xml", entries);
            Assert.DoesNotContain(entries, e => e.StartsWith("analyzers/", StringComparison.Ordinal));
            using (var readme = new StreamReader(redis.GetEntry("README.md")!.Open()))
                Assert.StartsWith("# TypedIo.Redis", readme.ReadToEnd(), StringComparison.Ordinal);
            var nuspec = Nuspec(redis);
            Assert.Equal(feed.Version, Element(nuspec, "version").Value);
            Assert.Equal("MIT", Element(nuspec, "license").Value);
            // The same version of TypedIo, and the Redis client and msgpack library: never the generator's projects.
            var dependencies = nuspec.Descendants().Where(e => e.Name.LocalName == "dependency")
                .ToDictionary(e => e.Attribute("id")!.Value, e => e.Attribute("version")!.Value);
            Assert.Equal(["MessagePack", "StackExchange.Redis", "TypedIo"], dependencies.Keys.Order(StringComparer.Ordinal));
            Assert.Equal(feed.Version, dependencies["TypedIo"]);
        }

        using var templates = ZipFile.OpenRead(feed.Package("TypedIo.Templates"));
        Assert.Equal("Template", Element(Nuspec(templates), "packageType").Attribute("name")!.Value);
        var project = new StreamReader(templates.GetEntry("content/typedio/TypedIoApp.csproj")!.Open()).ReadToEnd();
        Assert.Contains($"""<PackageReference Include="TypedIo" Version="{feed.Version}" />""", project, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Getting_started_followed_verbatim_builds_writes_its_declarations_type_checks_and_talks()
    {
        var chat = feed.NewConsumerFolder("getting-started");
        var page = File.ReadAllText(Path.Combine(RepositoryPaths.RepositoryRoot, "docs", "getting-started.md"));
        var steps = Step().Matches(page).ToList();
        Assert.True(steps.Count >= 7, "the page lost its marked blocks");

        var directory = chat;
        foreach (Match step in steps)
        {
            var (kind, target, code) = (step.Groups["kind"].Value, step.Groups["target"].Value.Trim(), step.Groups["code"].Value);
            switch (kind)
            {
                case "run":
                    foreach (var line in code.Split('\n').Select(l => Regex.Replace(l, @"\s+#.*$", "").Trim()).Where(l => l.Length > 0))
                    {
                        if (line.StartsWith("cd ", StringComparison.Ordinal))
                            directory = Path.GetFullPath(Path.Combine(directory, line[3..]));
                        else
                            await Shell.RunAsync(directory, Build, feed.Environment, "bash", "-c", line);
                    }
                    break;
                case "file":
                    var file = Path.Combine(chat, target);
                    Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                    File.WriteAllText(file, code);
                    break;
                case "csproj":
                    var project = Path.Combine(chat, target);
                    File.WriteAllText(project, File.ReadAllText(project).Replace("</Project>", code + "</Project>", StringComparison.Ordinal));
                    break;
            }
        }

        var declarations = File.ReadAllText(Path.Combine(chat, "client", "src", "generated", "chat.d.ts"));
        Assert.Contains("export interface ChatClientToServerEvents {", declarations, StringComparison.Ordinal);
        await TypeCheckAsync(Path.Combine(chat, "client"));

        await using var server = await Shell.StartServerAsync(Path.Combine(chat, "ChatServer"), Path.Combine("bin", "Debug", "net10.0", "ChatServer.dll"), feed.Environment);
        await using var client = Shell.StartInteractive(Path.Combine(chat, "client"), "node", "dist/main.js", server.Url);
        await client.WaitForLineAsync(l => l == "ada: hello", TimeSpan.FromSeconds(30));
        Assert.Equal(0, await client.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task The_template_builds_writes_its_declarations_type_checks_its_client_and_talks()
    {
        var folder = feed.NewConsumerFolder("template");
        await Shell.RunAsync(folder, Build, feed.Environment, "dotnet", "new", "install", feed.Package("TypedIo.Templates"), "--debug:custom-hive", feed.TemplateHive);
        await Shell.RunAsync(folder, Build, feed.Environment, "dotnet", "new", "typedio", "-n", "Demo", "--debug:custom-hive", feed.TemplateHive);
        var app = Path.Combine(folder, "Demo");
        Assert.Contains($"""Include="TypedIo" Version="{feed.Version}" """, File.ReadAllText(Path.Combine(app, "Demo.csproj")), StringComparison.Ordinal);
        var readme = File.ReadAllText(Path.Combine(app, "README.md"));
        Assert.Contains("dotnet run ", readme, StringComparison.Ordinal);
        Assert.Contains("cd client && npm install && npm start ", readme, StringComparison.Ordinal);

        await Shell.RunAsync(app, Build, feed.Environment, "dotnet", "build", "-nologo");
        Assert.Contains("export interface ChatServerToClientEvents {", File.ReadAllText(Path.Combine(app, "client", "src", "generated", "chat.d.ts")), StringComparison.Ordinal);
        await TypeCheckAsync(Path.Combine(app, "client"));
        // Its project removes the runtime's start-up delay before hot methods are optimized (in runtimeconfig.json, so for
        // every way it is run), and its one-CPU container profile precompiles with ReadyToRun.
        var runtimeConfig = File.ReadAllText(Path.Combine(app, "bin", "Debug", "net10.0", "Demo.runtimeconfig.json"));
        Assert.Matches("\"System.Runtime.TieredCompilation.CallCountingDelayMs\": 0\\b", runtimeConfig);
        var profile = await Shell.RunAsync(app, Build, feed.Environment, "dotnet", "msbuild", "-nologo", "-p:PublishProfile=OneCpuContainer",
            "-getProperty:PublishReadyToRun");
        Assert.Matches("(?m)^true\\s*$", profile);

        await using var server = await Shell.StartServerAsync(app, Path.Combine("bin", "Debug", "net10.0", "Demo.dll"), feed.Environment);
        await using var client = Shell.StartInteractive(Path.Combine(app, "client"), "node", "dist/main.js", server.Url, "ada");
        await client.WaitForLineAsync(l => l.StartsWith("joined lobby", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        await client.WriteLineAsync("hello from the template");
        await client.WaitForLineAsync(l => l == "ada: hello from the template", TimeSpan.FromSeconds(30));
        client.CloseInput();
        Assert.Equal(0, await client.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task The_from_source_wiring_of_getting_started_builds_a_hub_and_writes_its_declarations()
    {
        var app = await WriteFromSourceProjectAsync("from-source", wiring => wiring);

        await Shell.RunAsync(app, Build, feed.Environment, "dotnet", "build", "-nologo");

        Assert.Contains("export interface EchoClientToServerEvents {", File.ReadAllText(Path.Combine(app, "client", "echo.d.ts")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_from_source_project_without_the_generator_gets_one_error_that_says_what_to_add()
    {
        var app = await WriteFromSourceProjectAsync("from-source-no-generator",
            wiring => string.Join('\n', wiring.Split('\n').Where(l => !l.Contains("TypedIo.Generators.csproj", StringComparison.Ordinal))));

        var (exitCode, output) = await Shell.TryRunAsync(app, Build, feed.Environment, "dotnet", "build", "-nologo");

        Assert.NotEqual(0, exitCode);
        // Not CS0103 (Clients) or CS0311 (AddSocketHub): the build stops before the compiler, with the fix in the message.
        Assert.Equal(["TIO101"], ErrorCode().Matches(output).Select(m => m.Groups["code"].Value).Distinct());
        Assert.Contains("TypedIo.Generators.csproj\" OutputItemType=\"Analyzer\"", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_from_source_project_without_the_import_is_warned_that_no_declarations_are_written()
    {
        var app = await WriteFromSourceProjectAsync("from-source-no-import",
            wiring => string.Join('\n', wiring.Split('\n').Where(l => !l.Contains("<Import ", StringComparison.Ordinal))));

        var output = await Shell.RunAsync(app, Build, feed.Environment, "dotnet", "build", "-nologo");

        Assert.Contains("warning TIO102", output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(app, "client", "echo.d.ts")));
    }

    [Fact]
    public async Task A_project_without_the_build_targets_is_warned_that_no_declarations_are_written()
    {
        var app = WritePackageHubProject("no-targets", """ExcludeAssets="build;buildTransitive" """, typeScriptOutput: "client/chat.d.ts");

        var output = await Shell.RunAsync(app, Build, feed.Environment, "dotnet", "build", "-nologo");

        Assert.Contains("warning TIO102", output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(app, "client", "chat.d.ts")));
    }

    /// <summary>An app beside a copy of the sources, wired as getting-started's "Using TypedIo from source" says (edited by <paramref name="edit"/>).</summary>
    private async Task<string> WriteFromSourceProjectAsync(string name, Func<string, string> edit)
    {
        var page = File.ReadAllText(Path.Combine(RepositoryPaths.RepositoryRoot, "docs", "getting-started.md"));
        var section = page[page.IndexOf("## Using TypedIo from source", StringComparison.Ordinal)..];
        var wiring = XmlBlock().Match(section).Groups["code"].Value
            .Replace("<TypedIoSource>../typedio/</TypedIoSource>", $"<TypedIoSource>{await feed.SourceCopyAsync()}</TypedIoSource>", StringComparison.Ordinal);
        Assert.Contains("<TypedIoSource>", wiring, StringComparison.Ordinal);
        return WriteHubProject(name, edit(wiring), "client/echo.d.ts");
    }

    private string WritePackageHubProject(string name, string referenceAttributes, string? typeScriptOutput) =>
        WriteHubProject(name, $"""
            <ItemGroup>
              <PackageReference Include="TypedIo" Version="{feed.Version}" {referenceAttributes}/>
            </ItemGroup>
            """, typeScriptOutput);

    private string WriteHubProject(string name, string references, string? typeScriptOutput)
    {
        var app = feed.NewConsumerFolder(name);
        File.WriteAllText(Path.Combine(app, "App.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk.Web">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TypedIoTypeScriptOutput>{typeScriptOutput}</TypedIoTypeScriptOutput>
              </PropertyGroup>
            {references}
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            using TypedIo;

            var builder = WebApplication.CreateBuilder(args);
            builder.Services.AddTypedIo().AddSocketHub<EchoHub>();
            var app = builder.Build();
            app.MapTypedIo();
            app.Run();

            public interface IEchoHub { Task Say(string text); }
            public interface IEchoClient { Task Said(string text); }

            [SocketHub("/echo")]
            public sealed partial class EchoHub : SocketHub<IEchoClient>, IEchoHub
            {
                public Task Say(string text) => Clients.All.Said(text);
            }
            """);
        return app;
    }

    /// <summary>The client's own npm install (its pinned versions), then tsc --strict against the generated .d.ts.</summary>
    private async Task TypeCheckAsync(string client)
    {
        await Shell.RunAsync(client, Build, feed.Environment, "npm", "install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error");
        await Shell.RunAsync(client, Build, feed.Environment, "npm", "run", "build");
        Assert.True(File.Exists(Path.Combine(client, "dist", "main.js")));
    }

    private static XElement Nuspec(ZipArchive zip)
    {
        using var stream = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        return XDocument.Load(stream).Root!;
    }

    private static XElement Element(XElement root, string name) => root.Descendants().First(e => e.Name.LocalName == name);

    /// <summary>A marked block of docs/getting-started.md: <c>&lt;!-- run --&gt;</c>, <c>&lt;!-- file: path --&gt;</c> or <c>&lt;!-- csproj: path --&gt;</c>, then a fenced block.</summary>
    [GeneratedRegex(@"<!-- (?<kind>run|file|csproj)(:(?<target>[^>]*))? -->\n```\w*\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex Step();

    [GeneratedRegex("```xml\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex XmlBlock();

    [GeneratedRegex(@"error (?<code>[A-Z]+[0-9]+):")]
    private static partial Regex ErrorCode();
}
