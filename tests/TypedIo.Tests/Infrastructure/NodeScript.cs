using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace TypedIo.Tests.Infrastructure;

/// <summary>
/// A Node.js script from <c>tests/js</c>, run as <c>node &lt;script&gt; &lt;args&gt;</c>. Its stdout is read line by line as it
/// comes; lines that are JSON objects with an <c>event</c> property are events a test can wait for. The process is
/// killed with its whole tree when a wait times out or when the script is disposed while still running.
/// </summary>
/// <remarks>
/// Needs <c>node</c> on the PATH and <c>tests/js/node_modules</c> installed (<c>npm ci</c> in <c>tests/js</c>, which the test
/// command runs before the tests); fails with a message saying so otherwise. Never installs anything itself.
/// </remarks>
public sealed class NodeScript : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private static readonly Lazy<string> JsRoot = new(FindJsRoot);

    private readonly Process _process;
    private readonly string _description;
    private readonly object _gate = new();
    private readonly List<string> _stdout = [];
    private readonly StringBuilder _stderr = new();
    private readonly List<JsonElement> _events = [];
    private readonly Task _stdoutPump;
    private readonly Task _stderrPump;
    private TaskCompletionSource _changed = NewSignal();
    private bool _outputEnded;

    private NodeScript(Process process, string description)
    {
        _process = process;
        _description = description;
        // Dedicated threads, not the thread pool: on Unix a redirected stream is an anonymous pipe without real async
        // reads, so ReadLineAsync would block a pool thread for as long as the script runs. With few cores that
        // starves the pool, and the server under test with it, for hundreds of milliseconds at a time.
        _stdoutPump = ChildProcess.RunOnDedicatedThread(PumpStdout, "node stdout");
        _stderrPump = ChildProcess.RunOnDedicatedThread(PumpStderr, "node stderr");
    }

    /// <summary>The folder holding <c>package.json</c> and <c>node_modules</c> of the JavaScript clients.</summary>
    public static string JsDirectory => JsRoot.Value;

    /// <summary>The events printed so far, in order.</summary>
    public IReadOnlyList<JsonElement> Events
    {
        get
        {
            lock (_gate)
                return [.. _events];
        }
    }

    /// <summary>Everything the script printed so far (stdout, then stderr), for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_gate)
                return $"--- stdout ---\n{string.Join('\n', _stdout)}\n--- stderr ---\n{_stderr}";
        }
    }

    /// <summary>Starts <c>node &lt;script&gt; &lt;args&gt;</c>; <paramref name="script"/> is relative to <c>tests/js</c>.</summary>
    public static NodeScript Start(string script, params string[] args)
    {
        var jsRoot = JsDirectory;
        var scriptPath = Path.Combine(jsRoot, script);
        if (!File.Exists(scriptPath))
            throw new InvalidOperationException($"Node script '{scriptPath}' does not exist.");

        var startInfo = new ProcessStartInfo("node")
        {
            WorkingDirectory = jsRoot,
            RedirectStandardInput = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        startInfo.ArgumentList.Add(scriptPath);
        foreach (var arg in args)
            startInfo.ArgumentList.Add(arg);
        startInfo.Environment.Remove("DEBUG"); // the debug package would print to stderr
        startInfo.Environment.Remove("NODE_OPTIONS");

        Process process;
        try
        {
            process = Process.Start(startInfo) ?? throw new InvalidOperationException("Process.Start returned no process for 'node'.");
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException(
                "Could not start 'node': Node.js (20 or later) must be installed and on the PATH to run the JavaScript interop tests. " + ex.Message,
                ex);
        }
        return new NodeScript(process, $"node {script} {string.Join(' ', args)}");
    }

    /// <summary>
    /// Waits for the first event named <paramref name="name"/> (already printed or still to come). Fails when the
    /// script exits without printing it, prints an <c>error</c> event, or the timeout passes.
    /// </summary>
    public async Task<JsonElement> WaitForEventAsync(string name, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                foreach (var e in _events)
                {
                    var eventName = e.GetProperty("event").GetString();
                    if (eventName == name)
                        return e;
                    if (eventName == "error")
                        throw Failure($"the script reported an error while the test waited for its '{name}' event");
                }
                if (_outputEnded)
                    throw Failure($"the script ended without printing a '{name}' event");
                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                ChildProcess.KillTree(_process);
                throw Failure($"no '{name}' event within {(timeout ?? DefaultTimeout).TotalSeconds:0.#} s (the script was killed)");
            }
        }
    }

    /// <summary>Waits for the script to exit and fails unless it exited with code 0.</summary>
    public async Task WaitForSuccessAsync(TimeSpan? timeout = null)
    {
        var code = await WaitForExitAsync(timeout);
        if (code != 0)
            throw Failure($"the script exited with code {code}");
    }

    /// <summary>Waits for the script to exit (all output read) and returns its exit code; kills it on timeout.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            await Task.WhenAll(_stdoutPump, _stderrPump).WaitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            ChildProcess.KillTree(_process);
            throw Failure($"the script did not exit within {(timeout ?? DefaultTimeout).TotalSeconds:0.#} s (it was killed)");
        }
        return _process.ExitCode;
    }

    /// <summary>
    /// Awaits <paramref name="wait"/> (something the test waits for on the server side) while the script runs. When
    /// the script ends first and the wait does not complete right after, fails with the script's output, which
    /// usually says why.
    /// </summary>
    public async Task<T> WhileRunningAsync<T>(Task<T> wait, string what)
    {
        var ended = Task.WhenAll(_stdoutPump, _process.WaitForExitAsync());
        if (await Task.WhenAny(wait, ended) != wait)
        {
            try
            {
                return await wait.WaitAsync(TimeSpan.FromSeconds(2));
            }
            catch (TimeoutException)
            {
                throw Failure($"the script ended (exit code {_process.ExitCode}) while the test waited for {what}");
            }
        }
        return await wait;
    }

    /// <summary>All events named <paramref name="name"/> printed so far.</summary>
    public IReadOnlyList<JsonElement> EventsNamed(string name) =>
        [.. Events.Where(e => e.GetProperty("event").GetString() == name)];

    /// <summary>An exception that says what went wrong, with the command and all the script's output.</summary>
    public Exception Failure(string what) =>
        new NodeScriptException($"{_description}: {what}.\n{Output}");

    public async ValueTask DisposeAsync()
    {
        ChildProcess.KillTree(_process);
        try
        {
            await Task.WhenAll(_stdoutPump, _stderrPump).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
            // The pipes stay open only if a grandchild kept them; it was killed with the tree.
        }
        _process.Dispose();
    }


    private void PumpStdout()
    {
        try
        {
            while (_process.StandardOutput.ReadLine() is { } line)
            {
                var parsed = TryParseEvent(line);
                lock (_gate)
                {
                    _stdout.Add(line);
                    if (parsed is { } e)
                        _events.Add(e);
                    SignalLocked();
                }
            }
        }
        finally
        {
            lock (_gate)
            {
                _outputEnded = true;
                SignalLocked();
            }
        }
    }

    private void PumpStderr()
    {
        while (_process.StandardError.ReadLine() is { } line)
        {
            lock (_gate)
                _stderr.AppendLine(line);
        }
    }


    private void SignalLocked()
    {
        _changed.TrySetResult();
        _changed = NewSignal();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static JsonElement? TryParseEvent(string line)
    {
        if (!line.StartsWith('{'))
            return null;
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object && root.TryGetProperty("event", out var name) && name.ValueKind == JsonValueKind.String
                ? root.Clone()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string FindJsRoot()
    {
        var overridden = Environment.GetEnvironmentVariable("TYPEDIO_REPO_ROOT");
        var starts = new[] { overridden, AppContext.BaseDirectory, Environment.CurrentDirectory, Path.GetDirectoryName(SourceFile()) };
        string? repoRoot = null;
        foreach (var start in starts)
        {
            repoRoot = FindRepoRoot(start);
            if (repoRoot is not null)
                break;
        }
        if (repoRoot is null)
        {
            throw new InvalidOperationException(
                "Could not find the repository root (a folder containing TypedIo.sln) above " +
                $"'{AppContext.BaseDirectory}', '{Environment.CurrentDirectory}' or '{SourceFile()}'. Set TYPEDIO_REPO_ROOT.");
        }

        var jsRoot = Path.Combine(repoRoot, "tests", "js");
        if (!Directory.Exists(Path.Combine(jsRoot, "node_modules", "engine.io-client")))
        {
            throw new InvalidOperationException(
                $"'{Path.Combine(jsRoot, "node_modules")}' is missing or incomplete: run `npm ci` in '{jsRoot}' before the tests " +
                "to install the pinned JavaScript clients.");
        }
        return jsRoot;
    }

    private static string? FindRepoRoot(string? start)
    {
        if (string.IsNullOrEmpty(start))
            return null;
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TypedIo.sln")))
                return dir.FullName;
        }
        return null;
    }

    private static string SourceFile([CallerFilePath] string path = "") => path;
}

/// <summary>A Node.js script did not do what the test expected; the message holds its output.</summary>
public sealed class NodeScriptException(string message) : Exception(message);
