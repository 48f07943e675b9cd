using System.Diagnostics;
using System.Reflection;
using System.Text;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Tests.Samples;

/// <summary>
/// The chat sample (README's first command) end to end in headless Chromium (tests/js/browser/chat.mjs): two pages
/// join a room and check what the page shows: the connection state (connecting, connected, reconnecting while
/// offline, disconnected, a refused connection explained), rooms and members, typing (also right after a send), own and others' messages apart with
/// their times, refusals in words (validation, authorization), an admin's clear, switching rooms; and no console
/// error, page error or failed request on either page.
/// </summary>
public sealed class ChatSampleTests
{
    [Fact]
    public async Task Two_browser_pages_chat_and_the_page_shows_it()
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
            var exit = await script.WaitForExitAsync(TimeSpan.FromMinutes(3));
            string serverLog;
            lock (log)
                serverLog = log.ToString();
            Assert.True(exit == 0, $"the browser scenario failed:\n{script.Output}\nserver:\n{serverLog}");
            Assert.Equal(
                ["connection state: connecting, then connected",
                 "a refused connection says why on the login form",
                 "rooms and members: the room is listed as current, each sees both members, own name marked",
                 "typing: Bob's typing shows on Ada's page",
                 "messages reach both pages, own and others' styled apart, each with its time",
                 "typing right after a send shows on the other page again",
                 "a too-long message is refused, and the page says why in words",
                 "a non-admin's admin action is refused, and the page says why in words",
                 "an admin's admin action clears the room on both pages",
                 "switching rooms: the room list and the members follow",
                 "connection state: reconnecting while offline, then connected and back in the room",
                 "connection state: signing out disconnects, and the others see Bob leave",
                 "no console errors or warnings, page errors or failed requests on either page"],
                script.EventsNamed("step").Select(s => s.GetProperty("name").GetString()));
        }
        finally
        {
            ChildProcess.KillTree(server);
            await server.WaitForExitAsync();
        }
    }
}
