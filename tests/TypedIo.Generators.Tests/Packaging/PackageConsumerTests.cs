using System.Diagnostics;
using System.IO.Compression;

namespace TypedIo.Generators.Tests.Packaging;

/// <summary>
/// What a package consumer gets: the TypedIo package carries the generator and the analyzers with their code fixes
/// (analyzers/dotnet/cs) and the build targets,
/// so a project that only references the package gets a working hub and its .d.ts at the path it sets.
/// </summary>
public sealed class PackageConsumerTests
{
    private const string Version = "0.0.0-consumer-test";

    [Fact]
    public async Task A_project_referencing_only_the_package_builds_a_hub_and_writes_its_declarations()
    {
        var root = Infrastructure.RepositoryPaths.RepositoryRoot;
        var work = Directory.CreateTempSubdirectory("typedio-package-");
        try
        {
            var feed = Directory.CreateDirectory(Path.Combine(work.FullName, "feed")).FullName;
            await RunAsync(root, "dotnet", "pack", Path.Combine(root, "src", "Runtime", "TypedIo.csproj"), "-c", "Release",
                "-o", feed, "--artifacts-path", Path.Combine(work.FullName, "artifacts"), $"-p:Version={Version}", "-p:RestoreLockedMode=false");

            var package = Path.Combine(feed, $"TypedIo.{Version}.nupkg");
            using (var zip = ZipFile.OpenRead(package))
            {
                var entries = zip.Entries.Select(e => e.FullName).ToList();
                Assert.Contains("analyzers/dotnet/cs/TypedIo.Generators.dll", entries);
                Assert.Contains("analyzers/dotnet/cs/TypedIo.Analyzers.dll", entries);
                Assert.Contains("analyzers/dotnet/cs/TypedIo.Analyzers.CodeFixes.dll", entries);
                Assert.Contains("buildTransitive/TypedIo.targets", entries);
                Assert.Contains("build/TypedIo.targets", entries);
                Assert.Contains("lib/net10.0/TypedIo.dll", entries);
            }

            var app = Directory.CreateDirectory(Path.Combine(work.FullName, "app")).FullName;
            // The package's own dependencies (FluentValidation) come from this machine's global packages folder, which the
            // repository's restore filled: a folder feed, so the test needs no network.
            var globalPackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
                <configuration>
                  <packageSources><clear /><add key="local" value="{feed}" /><add key="restored" value="{globalPackages}" /></packageSources>
                </configuration>
                """);
            File.WriteAllText(Path.Combine(app, "App.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk.Web">
                  <PropertyGroup>
                    <TargetFramework>net10.0</TargetFramework>
                    <Nullable>enable</Nullable>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                    <TypedIoTypeScriptOutput>client/api.d.ts</TypedIoTypeScriptOutput>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="TypedIo" Version="{Version}" />
                  </ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(app, "Program.cs"), """
                using TypedIo;

                var builder = WebApplication.CreateBuilder(args);
                builder.Services.AddTypedIo().AddSocketHub<ChatHub>();
                var app = builder.Build();
                app.MapTypedIo();
                Console.WriteLine(TypedIo.Generated.TypeScriptDeclarations.Text.Length > 0);

                public sealed record ChatMessage(string Text);
                public interface IChatHub { Task<int> Send(ChatMessage message); }
                public interface IChatClient { Task Received(ChatMessage message); }

                [SocketHub("/chat")]
                public sealed partial class ChatHub : SocketHub<IChatClient>, IChatHub
                {
                    public async Task<int> Send(ChatMessage message)
                    {
                        await Clients.Others.Received(message);
                        return message.Text.Length;
                    }
                }
                """);
            await RunAsync(app, "dotnet", "build", "-c", "Release", "--packages", Path.Combine(work.FullName, "packages"));

            var declarations = File.ReadAllText(Path.Combine(app, "client", "api.d.ts"));
            Assert.Contains("export interface ChatClientToServerEvents {", declarations, StringComparison.Ordinal);
            Assert.Contains("send: (message: ChatMessage, callback: (result: number | TypedIoRejection) => void) => void;", declarations, StringComparison.Ordinal);
            Assert.Contains("received: (message: ChatMessage) => void;", declarations, StringComparison.Ordinal);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static async Task RunAsync(string directory, string file, params string[] arguments)
    {
        var (exitCode, output) = await Infrastructure.ProcessRun.RunAsync(directory, TimeSpan.FromMinutes(5), file, arguments, outsideRepository: true);
        Assert.True(exitCode == 0, $"{file} {string.Join(' ', arguments)} failed ({exitCode}):\n{output}");
    }

}
