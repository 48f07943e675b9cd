using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TypedIo.Tests.Infrastructure;

/// <summary>
/// The conformance fixture app (<c>tests/Fixture</c>, see FIXTURE.md) running as a separate process:
/// <c>dotnet TypedIo.Fixture.dll --port &lt;free port&gt; [args]</c>, started and ready (its <c>listening on</c> line
/// printed). The test project references the fixture project, so the dll with its <c>.runtimeconfig.json</c> and
/// <c>.deps.json</c> sits next to the test assembly. The process tree is killed on dispose; <see cref="Output"/> holds
/// everything it printed, for failure messages.
/// </summary>
public sealed class FixtureProcess : IAsyncDisposable
{
    public const string AssemblyFileName = "TypedIo.Fixture.dll";

    /// <summary>How long the fixture may take to print its <c>listening on</c> line (busy 2-core machines).</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly Process _process;
    private readonly string _description;
    private readonly object _gate = new();
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource<string> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _stdoutPump;
    private readonly Task _stderrPump;

    private FixtureProcess(Process process, int port, string description)
    {
        _process = process;
        Port = port;
        _description = description;
        _stdoutPump = ChildProcess.ReadLines(_process.StandardOutput, OnStdoutLine, "fixture stdout");
        _stderrPump = ChildProcess.ReadLines(_process.StandardError, OnStderrLine, "fixture stderr");
    }

    /// <summary>The port the fixture listens on (all interfaces).</summary>
    public int Port { get; }

    /// <summary>The fixture's base address over IPv4 loopback, without a trailing slash.</summary>
    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>The process id, e.g. to send it a signal.</summary>
    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the fixture printed so far (stdout, then stderr).</summary>
    public string Output
    {
        get
        {
            lock (_gate)
                return $"--- fixture ({_description}) stdout ---\n{_stdout}--- fixture stderr ---\n{_stderr}";
        }
    }

    /// <summary>
    /// Starts the fixture on a free port with the given extra arguments (e.g. <c>--cors "*"</c>) and waits until it
    /// prints <c>listening on</c>. Retries on another port when the first one was taken meanwhile.
    /// </summary>
    public static Task<FixtureProcess> StartAsync(params string[] args) => StartAsync(new Dictionary<string, string>(), args);

    /// <summary>As <see cref="StartAsync(string[])"/>, with extra environment variables for the fixture process.</summary>
    public static Task<FixtureProcess> StartAsync(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        StartAsync(environment, openFileLimit: null, args);

    /// <summary>
    /// As <see cref="StartAsync(string[])"/>, with the fixture's open-file limit (soft and hard <c>RLIMIT_NOFILE</c>) lowered
    /// to <paramref name="openFileLimit"/> by <c>ulimit -n</c> (the .NET runtime raises the soft limit to the hard one at
    /// start, so both are set).
    /// </summary>
    public static Task<FixtureProcess> StartWithOpenFileLimitAsync(int openFileLimit, params string[] args) =>
        StartAsync(new Dictionary<string, string>(), openFileLimit, args);

    private static async Task<FixtureProcess> StartAsync(IReadOnlyDictionary<string, string> environment, int? openFileLimit, string[] args)
    {
        const int attempts = 3;
        for (var attempt = 1; ; attempt++)
        {
            var fixture = Launch(FreePort(), args, environment, openFileLimit);
            try
            {
                await fixture.WaitListeningAsync();
                return fixture;
            }
            catch (FixtureProcessException) when (attempt < attempts && fixture.HasExited && fixture.Output.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                await fixture.DisposeAsync();
            }
            catch
            {
                await fixture.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>Where the fixture's dll is: next to the test assembly (copied there by the project reference).</summary>
    public static string AssemblyPath
    {
        get
        {
            var path = Path.Combine(AppContext.BaseDirectory, AssemblyFileName);
            if (!File.Exists(path) || !File.Exists(Path.ChangeExtension(path, ".runtimeconfig.json")))
            {
                throw new InvalidOperationException(
                    $"'{path}' (with its .runtimeconfig.json) is missing: the test project references tests/Fixture/Fixture.csproj, " +
                    "whose output the build copies next to the test assembly. Rebuild the test project.");
            }
            return path;
        }
    }

    /// <summary>Asks the fixture to stop cleanly (SIGTERM, as a service manager would) and waits until it exits.</summary>
    public async Task<int> StopGracefullyAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start(new ProcessStartInfo("kill")
        {
            ArgumentList = { "-TERM", ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            UseShellExecute = false,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("Process.Start returned no process for 'kill'."))
        {
            await kill.WaitForExitAsync();
            if (kill.ExitCode != 0)
                throw Failure($"'kill -TERM {ProcessId}' failed with exit code {kill.ExitCode}: {await kill.StandardError.ReadToEndAsync()}");
        }

        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            ChildProcess.KillTree(_process);
            throw Failure($"the fixture did not exit within {timeout.TotalSeconds:0.#} s of SIGTERM (it was killed)");
        }
        return _process.ExitCode;
    }

    /// <summary>An exception that says what went wrong, with the fixture's command and all its output.</summary>
    public Exception Failure(string what) => new FixtureProcessException($"{what}.\n{Output}");

    public async ValueTask DisposeAsync()
    {
        ChildProcess.KillTree(_process);
        try
        {
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            await Task.WhenAll(_stdoutPump, _stderrPump).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
            // Killed with its tree; pipes kept open by a stray grandchild are not worth failing a test for.
        }
        _process.Dispose();
    }

    private static FixtureProcess Launch(int port, string[] args, IReadOnlyDictionary<string, string> environment, int? openFileLimit)
    {
        var assembly = AssemblyPath;
        // The dotnet host that runs the tests (set by the SDK for dotnet test), else the one on the PATH.
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var startInfo = new ProcessStartInfo(openFileLimit is null ? dotnet : "/bin/sh")
        {
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        if (openFileLimit is { } limit)
        {
            // exec: the process started is the fixture itself, so its id and kill-on-dispose stay as without a limit.
            startInfo.ArgumentList.Add("-c");
            startInfo.ArgumentList.Add($"ulimit -n {limit.ToString(System.Globalization.CultureInfo.InvariantCulture)} && exec \"$0\" \"$@\"");
            startInfo.ArgumentList.Add(dotnet);
        }
        startInfo.ArgumentList.Add(assembly);
        startInfo.ArgumentList.Add("--port");
        startInfo.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var arg in args)
            startInfo.ArgumentList.Add(arg);
        // Kestrel's endpoints come from the fixture's command line only.
        foreach (var name in new[] { "ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS", "DOTNET_URLS", "URLS" })
            startInfo.Environment.Remove(name);
        foreach (var (name, value) in environment)
            startInfo.Environment[name] = value;

        Process process;
        try
        {
            process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Process.Start returned no process for '{dotnet}'.");
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException($"Could not start '{dotnet} {assembly}': {ex.Message}", ex);
        }
        return new FixtureProcess(process, port, $"{dotnet} {AssemblyFileName} --port {port} {string.Join(' ', args)}".TrimEnd());
    }

    private async Task WaitListeningAsync()
    {
        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(_listening.Task, exited, Task.Delay(StartTimeout));
        if (first == _listening.Task)
            return;
        if (first == exited)
        {
            await Task.WhenAll(_stdoutPump, _stderrPump).WaitAsync(TimeSpan.FromSeconds(5));
            throw Failure($"the fixture exited with code {_process.ExitCode} before printing 'listening on'");
        }
        ChildProcess.KillTree(_process);
        throw Failure($"the fixture did not print 'listening on' within {StartTimeout.TotalSeconds:0} s (it was killed)");
    }

    private void OnStdoutLine(string line)
    {
        lock (_gate)
            _stdout.AppendLine(line);
        if (line.StartsWith("listening on ", StringComparison.Ordinal))
            _listening.TrySetResult(line);
    }

    private void OnStderrLine(string line)
    {
        lock (_gate)
            _stderr.AppendLine(line);
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Any, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }



}

/// <summary>The fixture process did not start or stop as expected; the message holds its output.</summary>
public sealed class FixtureProcessException(string message) : Exception(message);

/// <summary>
/// One fixture process (default profile) shared by the tests of a class: <c>IClassFixture&lt;SharedFixtureProcess&gt;</c>.
/// </summary>
public class SharedFixtureProcess : IAsyncLifetime
{
    private readonly IReadOnlyDictionary<string, string> _environment;
    private FixtureProcess? _process;

    public SharedFixtureProcess()
        : this(new Dictionary<string, string>())
    {
    }

    protected SharedFixtureProcess(IReadOnlyDictionary<string, string> environment) => _environment = environment;

    public FixtureProcess Process => _process ?? throw new InvalidOperationException("The fixture process is not started.");

    public async Task InitializeAsync() => _process = await FixtureProcess.StartAsync(_environment);

    public async Task DisposeAsync()
    {
        if (_process is not null)
            await _process.DisposeAsync();
    }
}

/// <summary>
/// One fixture process shared by a test class, started in inline scheduling (<c>TYPEDIO_FIXTURE_INLINE=1</c>: Kestrel's
/// inline scheduling, inline socket completions, TypedIo's handler scheduling).
/// </summary>
public sealed class InlineSharedFixtureProcess() : SharedFixtureProcess(new Dictionary<string, string> { ["TYPEDIO_FIXTURE_INLINE"] = "1" });
