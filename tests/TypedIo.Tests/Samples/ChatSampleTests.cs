using System.Diagnostics;
using System.Reflection;
using System.Text;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Tests.Samples;

/// <summary>
/// The chat sample (README's first command) end to end in headless Chromium: two pages join a room, exchange
/// messages, see typing and presence; a too-long message and a non-admin's admin action are refused on the page.
/// </summary>
public sealed class ChatSampleTests
{
    [Fact]
    public async Task Two_browser_pages_chat_and_see_refusals()
    {
        Assert.True(File.Exists(Environment.GetEnvironmentVariable("TYPEDIO_CHROMIUM") ?? "/usr/bin/chromium"),
            "Chromium is not installed at /usr/bin/chromium: the test command installs Debian's 'chromium' (tests/ensure-chromium.sh).");
        var repository = Path.GetDirectoryName(Path.GetDirectoryName(NodeScript.JsDirectory))!;
        var configuration = typeof(ChatSampleTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        var adminKey = Guid.NewGuid().ToString("N");

        var start = new ProcessStartInfo("dotnet", ["run", "--project", Path.Combine("samples", "Chat"), "-c", configuration, "--no-launch-profile", "--",
            "--urls", "http://127.0.0.1:0", $"--Chat:AdminKey={adminKey}"])
        {
            WorkingDirectory = repository,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var server = Process.Start(start)!;
        var log = new StringBuilder();
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = ChildProcess.ReadLines(server.StandardOutput, line =>
        {
            lock (log)
                log.AppendLine(line);
            const string prefix = "TypedIo chat: open ";
            if (line.StartsWith(prefix, StringComparison.Ordinal))
                listening.TrySetResult(line[prefix.Length..].Split(' ')[0]);
        }, "chat stdout");
        _ = ChildProcess.ReadLines(server.StandardError, line => { lock (log) log.AppendLine(line); }, "chat stderr");
        try
        {
            string url;
            try
            {
                url = await listening.Task.WaitAsync(TimeSpan.FromMinutes(3));
            }
            catch (TimeoutException)
            {
                lock (log)
                    throw new Xunit.Sdk.XunitException("the chat sample did not start:\n" + log);
            }

            await using var script = NodeScript.Start("browser/chat.mjs", url, adminKey);
            var exit = await script.WaitForExitAsync(TimeSpan.FromMinutes(2));
            string serverLog;
            lock (log)
                serverLog = log.ToString();
            Assert.True(exit == 0, $"the browser scenario failed:\n{script.Output}\nserver:\n{serverLog}");
            Assert.Equal(
                ["presence: each sees both members", "typing: Bob's typing shows on Ada's page", "messages reach both pages",
                 "a too-long message is refused with the validation message", "a non-admin's admin action is refused",
                 "an admin's admin action clears the room on both pages"],
                script.EventsNamed("step").Select(s => s.GetProperty("name").GetString()));
        }
        finally
        {
            ChildProcess.KillTree(server);
            await server.WaitForExitAsync();
        }
    }
}
