using System.Diagnostics;
using System.Text;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Tests.Samples;

/// <summary>
/// samples/Aot published as a Native AOT executable (no warning allowed), run, and talked to by the real
/// socket.io-client: the typed hub works without reflection, with a source-generated JSON context.
/// </summary>
public sealed class AotSampleTests
{
    [Fact]
    public async Task The_native_sample_publishes_without_warnings_and_serves_a_typed_hub()
    {
        var root = Path.GetDirectoryName(NodeScript.JsDirectory)!;   // tests/
        var repository = Path.GetDirectoryName(root)!;
        var work = Directory.CreateTempSubdirectory("typedio-aot-");
        try
        {
            var output = Path.Combine(work.FullName, "out");
            var publish = await RunAsync(repository, "dotnet", "publish", Path.Combine("samples", "Aot", "Aot.csproj"), "-c", "Release",
                "-o", output, "--artifacts-path", Path.Combine(work.FullName, "artifacts"), "-nologo");
            Assert.True(publish.ExitCode == 0, "dotnet publish failed:\n" + publish.Output);
            var warnings = publish.Output.Split('\n').Where(l => l.Contains("warning", StringComparison.OrdinalIgnoreCase)).ToList();
            Assert.True(warnings.Count == 0, "the publish reported warnings:\n" + string.Join('\n', warnings));

            var executable = Path.Combine(output, "TypedIo.Samples.Aot");
            Assert.True(File.Exists(executable), "no native executable at " + executable);
            Assert.False(File.Exists(Path.Combine(output, "TypedIo.Samples.Aot.dll")), "the output is not a native (AOT) publish");

            var start = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true };
            start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
            using var server = Process.Start(start)!;
            try
            {
                var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
                var log = new StringBuilder();
                _ = ChildProcess.ReadLines(server.StandardOutput, line =>
                {
                    lock (log)
                        log.AppendLine(line);
                    if (line.StartsWith("listening on ", StringComparison.Ordinal))
                        listening.TrySetResult(line["listening on ".Length..].Split(',')[0].Trim());
                }, "aot stdout");
                _ = ChildProcess.ReadLines(server.StandardError, line => { lock (log) log.AppendLine(line); }, "aot stderr");
                string url;
                try
                {
                    url = await listening.Task.WaitAsync(TimeSpan.FromSeconds(30));
                }
                catch (TimeoutException)
                {
                    lock (log)
                        throw new Xunit.Sdk.XunitException("the native sample did not start:\n" + log);
                }

                await using var script = NodeScript.Start("socketio/aot-ping.mjs", url);
                var result = await script.WaitForEventAsync("result", TimeSpan.FromSeconds(30));
                Assert.Equal("""{"seq":7,"text":"hello","server":"aot"}""", result.GetProperty("pong").GetRawText());
                Assert.Equal("""{"seq":7,"text":"hello"}""", result.GetProperty("pinged").GetRawText());
            }
            finally
            {
                ChildProcess.KillTree(server);
                await server.WaitForExitAsync();
            }
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static Task<(int ExitCode, string Output)> RunAsync(string directory, string file, params string[] arguments) =>
        Generators.Tests.Infrastructure.ProcessRun.RunAsync(directory, TimeSpan.FromMinutes(10), file, arguments);
}
