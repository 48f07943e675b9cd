using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;

namespace TypedIo.Generators.Tests.TypeScript;

/// <summary>
/// Runs the TypeScript compiler (<c>--strict</c>, no emit) over generated declaration files and the usage files in
/// <c>Fixtures/</c>, against socket.io-client's own types: the declarations must be valid TypeScript, usable as
/// <c>Socket&lt;ServerToClient, ClientToServer&gt;</c>, and reject the mistakes listed in <c>chat-errors.ts</c>.
/// </summary>
/// <remarks>
/// Needs <c>node</c> on the PATH and the compiler: <c>TYPEDIO_TSC</c> (the path of <c>typescript/bin/tsc</c>), else
/// <c>tests/js/node_modules/typescript/bin/tsc</c> (installed by <c>npm ci</c> in <c>tests/js</c>); socket.io-client comes
/// from <c>tests/js/node_modules</c>, else from beside the compiler. Fails with a message saying so when one is missing.
/// </remarks>
public sealed class TypeScriptCompileTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Generated_declarations_compile_with_socket_io_client_and_reject_mistakes()
    {
        var (tsc, socketIoClient) = FindTools();
        var fixtures = Path.Combine(SourceDirectory(), "Fixtures");
        var work = Directory.CreateTempSubdirectory("typedio-tsc-").FullName;

        var files = new Dictionary<string, string>
        {
            ["chat.d.ts"] = TypeScriptEmitterTests.EmitChat(out _),
            ["shop.d.ts"] = TypeScriptEmitterTests.EmitShop(out _),
            ["awkward.d.ts"] = TypeScriptEmitterTests.EmitAwkward(out _),
            ["kitchen.d.ts"] = TypeScriptEmitterTests.EmitKitchen(out _),
            ["builtins.d.ts"] = TypeScriptEmitterTests.EmitBuiltins(out _),
        };
        foreach (var fixture in Directory.GetFiles(fixtures, "*.ts"))
            files[Path.GetFileName(fixture)] = File.ReadAllText(fixture);
        foreach (var (name, text) in files)
            File.WriteAllText(Path.Combine(work, name), text);
        File.WriteAllText(Path.Combine(work, "tsconfig.json"), TsConfig(socketIoClient, files.Keys.Order(StringComparer.Ordinal)));

        var (exitCode, output) = await RunAsync("node", [tsc, "-p", Path.Combine(work, "tsconfig.json")], work);

        Assert.True(exitCode == 0, $"tsc failed (exit code {exitCode}) in {work}:\n{output}");
        Assert.True(files.Count >= 9, "The fixtures were not found in " + fixtures);
        Directory.Delete(work, recursive: true);
    }

    private static string TsConfig(string socketIoClient, IEnumerable<string> files)
    {
        static string Json(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
        return $$"""
            {
              "compilerOptions": {
                "strict": true,
                "noEmit": true,
                "target": "ES2022",
                "module": "ESNext",
                "moduleResolution": "Bundler",
                "lib": ["ES2022", "DOM"],
                "types": [],
                "paths": { "socket.io-client": [{{Json(socketIoClient)}}] }
              },
              "files": [{{string.Join(", ", files.Select(Json))}}]
            }
            """;
    }

    private static (string Tsc, string SocketIoClient) FindTools()
    {
        var repoRoot = FindRepoRoot();
        var jsModules = repoRoot is null ? null : Path.Combine(repoRoot, "tests", "js", "node_modules");

        var tsc = Environment.GetEnvironmentVariable("TYPEDIO_TSC");
        if (string.IsNullOrEmpty(tsc) && jsModules is not null)
            tsc = Path.Combine(jsModules, "typescript", "bin", "tsc");
        if (string.IsNullOrEmpty(tsc) || !File.Exists(tsc))
        {
            Assert.Fail($"The TypeScript compiler was not found ('{tsc}'): run `npm ci` in tests/js, or set TYPEDIO_TSC to the path " +
                "of typescript/bin/tsc (for instance after `npm install typescript@5.9.3 socket.io-client@4.8.1` in a scratch folder).");
        }

        string[] candidates =
        [
            .. jsModules is null ? Array.Empty<string>() : [Path.Combine(jsModules, "socket.io-client")],
            Path.GetFullPath(Path.Combine(Path.GetDirectoryName(tsc)!, "..", "..", "socket.io-client")),
        ];
        var socketIoClient = candidates.FirstOrDefault(c => File.Exists(Path.Combine(c, "package.json")));
        if (socketIoClient is null)
            Assert.Fail($"socket.io-client was not found in {string.Join(" or ", candidates)}: run `npm ci` in tests/js.");
        return (Path.GetFullPath(tsc), socketIoClient);
    }

    private static string? FindRepoRoot()
    {
        var overridden = Environment.GetEnvironmentVariable("TYPEDIO_REPO_ROOT");
        foreach (var start in new[] { overridden, SourceDirectory(), AppContext.BaseDirectory })
        {
            if (string.IsNullOrEmpty(start))
                continue;
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "TypedIo.sln")))
                    return dir.FullName;
            }
        }
        return null;
    }

    private static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(Infrastructure.RepositoryPaths.SourcePath(path))!;

    private static async Task<(int ExitCode, string Output)> RunAsync(string fileName, string[] arguments, string workingDirectory)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
            startInfo.ArgumentList.Add(argument);

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish within {Timeout}.");
        }
        return (process.ExitCode, (await stdout) + (await stderr));
    }
}
