using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Redis.Tests.Interop.Cluster;

/// <summary>
/// A Node socket.io 4.8.4 node with the official Redis adapters (<c>tests/js/cluster/node-server.mjs</c>), started on
/// a free port (<c>--port 0</c>) and ready (its <c>listening on</c> line printed). Killed with its tree on dispose.
/// </summary>
public sealed class NodeServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _description;
    private readonly object _gate = new();
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<int> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _stdoutPump;
    private readonly Task _stderrPump;

    private NodeServerProcess(Process process, string description)
    {
        _process = process;
        _description = description;
        _stdoutPump = ChildProcess.ReadLines(process.StandardOutput, OnLine, "node server stdout");
        _stderrPump = ChildProcess.ReadLines(process.StandardError, Append, "node server stderr");
    }

    /// <summary>The node process's id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>The port the node listens on.</summary>
    public int Port { get; private set; }

    /// <summary>The node's base address over IPv4 loopback.</summary>
    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>Everything the node printed, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_gate)
                return $"--- {_description} ---\n{_output}";
        }
    }

    /// <summary>Starts <c>node cluster/node-server.mjs --port 0 args...</c> and waits until it listens.</summary>
    public static async Task<NodeServerProcess> StartAsync(params string[] args)
    {
        var startInfo = new ProcessStartInfo("node")
        {
            WorkingDirectory = NodeScript.JsDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(Path.Combine(NodeScript.JsDirectory, "cluster", "node-server.mjs"));
        startInfo.ArgumentList.Add("--port");
        startInfo.ArgumentList.Add("0");
        foreach (var arg in args)
            startInfo.ArgumentList.Add(arg);
        startInfo.Environment.Remove("DEBUG");
        startInfo.Environment.Remove("NODE_OPTIONS");
        Process process;
        try
        {
            process = Process.Start(startInfo) ?? throw new InvalidOperationException("Process.Start returned no process for 'node'.");
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException("Could not start 'node': Node.js 20 or later must be on the PATH for the cluster tests. " + ex.Message, ex);
        }
        var server = new NodeServerProcess(process, $"node cluster/node-server.mjs --port 0 {string.Join(' ', args)}");
        try
        {
            var exited = process.WaitForExitAsync();
            var first = await Task.WhenAny(server._listening.Task, exited).WaitAsync(FixtureProcess.StartTimeout);
            if (first == exited)
                throw new InvalidOperationException($"the Node node exited with {process.ExitCode} before listening.\n{server.Output}");
            server.Port = await server._listening.Task;
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private void OnLine(string line)
    {
        Append(line);
        const string prefix = "listening on http://";
        if (line.StartsWith(prefix, StringComparison.Ordinal) && int.TryParse(line[(line.LastIndexOf(':') + 1)..], out var port))
            _listening.TrySetResult(port);
    }

    private void Append(string line)
    {
        lock (_gate)
            _output.AppendLine(line);
    }

    /// <inheritdoc />
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
            // Killed with its tree; nothing more to wait for.
        }
        _process.Dispose();
    }
}
