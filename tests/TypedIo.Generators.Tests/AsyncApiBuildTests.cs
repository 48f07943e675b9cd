using System.Text.Json;
using TypedIo.Generators.Tests.Infrastructure;

namespace TypedIo.Generators.Tests;

/// <summary>
/// The build writes each hub's AsyncAPI document when <c>TypedIoAsyncApiOutput</c> names a folder: a temporary
/// project referencing the in-repo runtime and importing the repository's Directory.Build.targets (which imports the
/// package's targets file), built with <c>dotnet build</c>; the files are then validated by @asyncapi/parser.
/// </summary>
public sealed class AsyncApiBuildTests
{
    [Fact]
    public async Task The_build_writes_one_valid_document_per_hub_to_TypedIoAsyncApiOutput()
    {
        var root = RepositoryPaths.RepositoryRoot;
        var work = Directory.CreateTempSubdirectory("typedio-asyncapi-build-");
        try
        {
            File.WriteAllText(Path.Combine(work.FullName, "App.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk.Web">
                  <PropertyGroup>
                    <TargetFramework>net10.0</TargetFramework>
                    <Nullable>enable</Nullable>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <TypedIoAsyncApiOutput>contracts/asyncapi</TypedIoAsyncApiOutput>
                  </PropertyGroup>
                  <ItemGroup>
                    <ProjectReference Include="{Path.Combine(root, "src", "Runtime", "TypedIo.csproj")}" />
                  </ItemGroup>
                  <Import Project="{Path.Combine(root, "Directory.Build.targets")}" />
                </Project>
                """);
            File.WriteAllText(Path.Combine(work.FullName, "Program.cs"), """
                using TypedIo;

                var builder = WebApplication.CreateBuilder(args);
                builder.Services.AddTypedIo().AddSocketHub<Chat.ChatHub>().AddSocketHub<Chat.LobbyHub>();
                var app = builder.Build();
                app.MapTypedIo();
                app.Run();

                namespace Chat
                {
                    public sealed record Message(string Room, string Text, int Priority);

                    public interface IChatHub { Task<int> Send(Message message); }
                    public interface IChatClient { Task Received(Message message); }
                    public interface ILobbyHub { Task Join(string name); }
                    public interface ILobbyClient { }

                    [SocketHub("/chat")]
                    public sealed partial class ChatHub : SocketHub<IChatClient>, IChatHub
                    {
                        public Task<int> Send(Message message) => Task.FromResult(1);
                    }

                    [SocketHub("/lobby")]
                    public sealed partial class LobbyHub : SocketHub<ILobbyClient>, ILobbyHub
                    {
                        public Task Join(string name) => Task.CompletedTask;
                    }
                }
                """);

            var (exitCode, output) = await ProcessRun.RunAsync(work.FullName, TimeSpan.FromMinutes(5), "dotnet",
                ["build", "-c", "Release", "--artifacts-path", Path.Combine(work.FullName, "artifacts")], outsideRepository: true);
            Assert.True(exitCode == 0, output);

            var folder = Path.Combine(work.FullName, "contracts", "asyncapi");
            var files = Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(["Chat.ChatHub.asyncapi.json", "Chat.LobbyHub.asyncapi.json"], files);

            var validator = Path.Combine(root, "tests", "js", "typed-asyncapi", "validate.mjs");
            var (validated, report) = await ProcessRun.RunAsync(Path.GetDirectoryName(validator)!, TimeSpan.FromMinutes(2), "node",
                [validator, .. files.Select(f => Path.Combine(folder, f!))]);
            Assert.True(validated == 0, report);
            using var json = JsonDocument.Parse(report.Split('\n').Single(l => l.StartsWith("{\"event\":\"result\"", StringComparison.Ordinal)));
            foreach (var document in json.RootElement.GetProperty("documents").EnumerateArray())
                Assert.True(document.GetProperty("errors").GetArrayLength() == 0, document.GetRawText());
            Assert.Equal("""["/chat"]""", json.RootElement.GetProperty("documents")[0].GetProperty("channels").GetRawText());
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }
}
