using System.ComponentModel;
using System.Diagnostics;

namespace TypedIo.Tests.Infrastructure;

/// <summary>What every child process of the tests (node scripts, the fixture) needs: reading and killing.</summary>
internal static class ChildProcess
{
    /// <summary>
    /// Runs <paramref name="action"/> on a thread of its own. Pipes have no real async reads on Linux, so an async
    /// read would hold a thread-pool thread for the child's whole life; with two cores that starves the pool.
    /// </summary>
    public static Task RunOnDedicatedThread(Action action, string name)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                action();
                done.SetResult();
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException)
            {
                done.SetResult(); // the pipe went away with the process
            }
        })
        {
            IsBackground = true,
            Name = name,
        };
        thread.Start();
        return done.Task;
    }

    /// <summary>Calls <paramref name="onLine"/> for each line of <paramref name="reader"/>, on a dedicated thread.</summary>
    public static Task ReadLines(StreamReader reader, Action<string> onLine, string name) =>
        RunOnDedicatedThread(() =>
        {
            while (reader.ReadLine() is { } line)
                onLine(line);
        }, name);

    /// <summary>Kills the process and its children; a process that already exited is fine.</summary>
    public static void KillTree(Process process)
    {
        try
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited meanwhile.
        }
        catch (Win32Exception)
        {
            // It exited meanwhile, or cannot be killed; the wait that follows reports it.
        }
    }
}
