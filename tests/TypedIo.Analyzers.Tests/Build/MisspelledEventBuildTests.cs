using System.Diagnostics;

namespace TypedIo.Analyzers.Tests.Build;

/// <summary>
/// The promise of the analyzers, end to end: a project with a misspelled event name does not build. The project is
/// written to a temporary folder, references the in-repo runtime by path and imports the repository's
/// Directory.Build.targets (what every in-repo project referencing the runtime gets: the generator and the analyzers),
/// and sets no severity of its own: TIO020 is an error by default.
/// </summary>
public sealed class MisspelledEventBuildTests
{
    [Fact]
    public async Task A_misspelled_event_fails_the_build_with_TIO020()
    {
        var root = TypedIo.Generators.Tests.Infrastructure.RepositoryPaths.RepositoryRoot;
        var work = Directory.CreateTempSubdirectory("typedio-misspelled-");
        try
        {
            File.WriteAllText(Path.Combine(work.FullName, "App.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk.Web">
                  <PropertyGroup>
                    <TargetFramework>net10.0</TargetFramework>
                    <Nullable>enable</Nullable>
                    <ImplicitUsings>enable</ImplicitUsings>
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
                builder.Services.AddTypedIo().AddSocketHub<ChatHub>();
                var app = builder.Build();
                app.MapTypedIo();
                app.Run();

                public interface IChatHub { Task SendMessage(string text); }
                public interface IChatClient { Task MessageReceived(string text); }

                [SocketHub("/chat")]
                public sealed partial class ChatHub : SocketHub<IChatClient>, IChatHub
                {
                    public override ValueTask OnConnectedAsync()
                    {
                        Context.Socket.On("sendMesage", e => { });
                        return default;
                    }

                    public Task SendMessage(string text) => Clients.Others.MessageReceived(text);
                }
                """);

            var (exitCode, output) = await RunAsync(work.FullName, "dotnet", "build", "-c", "Release", "--artifacts-path", Path.Combine(work.FullName, "artifacts"));

            Assert.True(exitCode != 0, "the build succeeded:\n" + output);
            Assert.Contains("error TIO020: 'sendMesage' is not a client-to-server event of 'ChatHub'; did you mean 'sendMessage'?", output, StringComparison.Ordinal);
            Assert.Contains("Program.cs(17,27)", output, StringComparison.Ordinal);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static Task<(int ExitCode, string Output)> RunAsync(string directory, string file, params string[] arguments) =>
        TypedIo.Generators.Tests.Infrastructure.ProcessRun.RunAsync(directory, TimeSpan.FromMinutes(5), file, arguments, outsideRepository: true);
}
