using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace TypedIo.Generators.Tests.Packaging;

/// <summary>Commands of a package consumer: run to the end, or start a server and a client and talk to them.</summary>
public static partial class Shell
{
    /// <summary>Runs a command to its end; fails the test with everything it printed when it exits non-zero.</summary>
    public static async Task<string> RunAsync(string directory, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment, string file, params string[] arguments)
    {
        var (exitCode, output) = await TryRunAsync(directory, timeout, environment, file, arguments);
        Assert.True(exitCode == 0, $"{file} {string.Join(' ', arguments)} failed ({exitCode}) in {directory}:\n{output}");
        return output;
    }

    /// <summary>Runs a command to its end and returns its exit code with everything it printed.</summary>
    public static async Task<(int ExitCode, string Output)> TryRunAsync(string directory, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment, string file, params string[] arguments)
    {
        using var process = Start(directory, environment, file, arguments, redirectInput: false);
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} did not end within {timeout}:\n{output}");
        }
        process.WaitForExit();
        lock (output)
            return (process.ExitCode, output.ToString());
    }

    /// <summary>Starts a built ASP.NET Core app on a free loopback port and returns it once it listens.</summary>
    public static async Task<RunningProcess> StartServerAsync(string directory, string dll, IReadOnlyDictionary<string, string>? environment)
    {
        var server = new RunningProcess(Start(directory, environment, "dotnet", [dll, "--urls", "http://127.0.0.1:0"], redirectInput: false));
        var line = await server.WaitForLineAsync(l => ListeningOn().IsMatch(l), TimeSpan.FromSeconds(60));
        server.Url = ListeningOn().Match(line).Groups["url"].Value;
        return server;
    }

    /// <summary>Starts a process whose input the test writes.</summary>
    public static RunningProcess StartInteractive(string directory, string file, params string[] arguments) =>
        new(Start(directory, null, file, arguments, redirectInput: true));

    [GeneratedRegex(@"Now listening on: (?<url>http://\S+)")]
    private static partial Regex ListeningOn();

    private static Process Start(string directory, IReadOnlyDictionary<string, string>? environment, string file, IEnumerable<string> arguments, bool redirectInput)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectInput,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        start.Environment["npm_config_update_notifier"] = "false";
        // A consumer's project has no lock file: the repository's locked-restore switch (CI) is not theirs.
        start.Environment.Remove("CI");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;
        return Process.Start(start)!;
    }
}

/// <summary>A started process: its output lines as they come, killed with its children when disposed.</summary>
public sealed class RunningProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly List<string> lines = [];
    private readonly SemaphoreSlim changed = new(0);

    public RunningProcess(Process process)
    {
        this.process = process;
        process.OutputDataReceived += (_, e) => Add(e.Data);
        process.ErrorDataReceived += (_, e) => Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>The URL a server listens on.</summary>
    public string Url { get; set; } = "";

    /// <summary>Everything printed so far.</summary>
    public string Output { get { lock (lines) return string.Join('\n', lines); } }

    public Task WriteLineAsync(string line) => process.StandardInput.WriteLineAsync(line);

    public void CloseInput() => process.StandardInput.Close();

    /// <summary>Waits for a printed line that matches.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            // Once the process has ended, WaitForExit() delivers the rest of its output: look a last time, then fail.
            var exited = process.HasExited;
            if (exited)
                process.WaitForExit();
            lock (lines)
            {
                var found = lines.FirstOrDefault(match);
                if (found is not null)
                    return found;
            }
            var left = deadline - DateTime.UtcNow;
            if (exited || left <= TimeSpan.Zero)
                throw new TimeoutException($"the expected line did not come (exited: {exited}):\n{Output}");
            await changed.WaitAsync(left < TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>Waits for the process to end and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cancel.Token);
        process.WaitForExit();
        return process.ExitCode;
    }

    private void Add(string? line)
    {
        if (line is null)
            return;
        lock (lines)
            lines.Add(line);
        changed.Release();
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
    }
}
