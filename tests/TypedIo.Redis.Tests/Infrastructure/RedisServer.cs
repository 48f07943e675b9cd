using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Redis.Tests.Infrastructure;

/// <summary>
/// A private <c>redis-server</c> (Debian's package; <c>tests/ensure-redis.sh</c> installs it) on a free loopback port,
/// without persistence unless asked for, killed on dispose. <see cref="RestartAsync"/> stops it and starts it again on
/// the same port, for the fault tests.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    /// <summary>How long redis-server may take to accept connections.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly StringBuilder _output = new();
    private readonly object _gate = new();
    private Process? _process;

    private readonly string? _dataDirectory;

    private RedisServer(int port, string? dataDirectory)
    {
        Port = port;
        _dataDirectory = dataDirectory;
    }

    /// <summary>The port redis-server listens on (127.0.0.1).</summary>
    public int Port { get; }

    /// <summary><c>127.0.0.1:PORT</c>, as the fixture's <c>--redis</c> and StackExchange.Redis take it.</summary>
    public string Endpoint => $"127.0.0.1:{Port}";

    /// <summary>Everything redis-server printed, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_gate)
                return _output.ToString();
        }
    }

    /// <summary>
    /// Starts redis-server on a free port and waits until it accepts connections. <paramref name="persistent"/>: with an
    /// append-only file written before every reply (<c>appendfsync always</c>) in a folder of its own, so a restart,
    /// even after a kill, comes back with every write it acknowledged; otherwise a restart comes back empty.
    /// </summary>
    public static async Task<RedisServer> StartAsync(bool persistent = false)
    {
        string? directory = null;
        if (persistent)
        {
            directory = Path.Combine(Path.GetTempPath(), $"typedio-redis-{Guid.NewGuid():N}");
            Directory.CreateDirectory(directory);
        }
        var server = new RedisServer(FreePort(), directory);
        await server.LaunchAsync();
        return server;
    }

    /// <summary>Kills the server (as a crash would: no save, no goodbye to clients).</summary>
    public async Task StopAsync()
    {
        var process = _process;
        _process = null;
        if (process is null)
            return;
        ChildProcess.KillTree(process);
        await process.WaitForExitAsync();
        process.Dispose();
    }

    /// <summary>Kills the server and starts it again on the same port (empty, unless it is persistent).</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await LaunchAsync();
    }

    /// <summary>Starts the stopped server again on the same port, empty unless persistent (after <see cref="StopAsync"/>).</summary>
    public Task StartAgainAsync() =>
        _process is null ? LaunchAsync() : throw new InvalidOperationException("redis-server is running.");

    private async Task LaunchAsync()
    {
        var info = new ProcessStartInfo("redis-server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] persistence = _dataDirectory is null
            ? ["--appendonly", "no"]
            : ["--appendonly", "yes", "--appendfsync", "always", "--dir", _dataDirectory];
        string[] args = ["--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--protected-mode", "no", .. persistence];
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("redis-server is not installed: run tests/ensure-redis.sh (as root it installs Debian's redis-server package)", ex);
        }
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _process = process;
        _ = ChildProcess.ReadLines(process.StandardOutput, line =>
        {
            Append(line);
            if (line.Contains("Ready to accept connections", StringComparison.Ordinal))
                ready.TrySetResult();
        }, "redis stdout");
        _ = ChildProcess.ReadLines(process.StandardError, Append, "redis stderr");
        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(ready.Task, exited).WaitAsync(StartTimeout).ConfigureAwait(false);
        if (first == exited)
            throw new InvalidOperationException($"redis-server exited with {process.ExitCode}:\n{Output}");
    }

    private void Append(string line)
    {
        lock (_gate)
            _output.AppendLine(line);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (_dataDirectory is not null && Directory.Exists(_dataDirectory))
            Directory.Delete(_dataDirectory, recursive: true);
    }
}
