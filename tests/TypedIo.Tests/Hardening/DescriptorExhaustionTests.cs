using System.Net;
using System.Net.Sockets;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Tests.Hardening;

/// <summary>
/// A flood of connections beyond the process's open-file limit: the fixture must stay up with bounded memory, refuse
/// what does not fit (closing it at once, logged as a summary) and serve again once the flood goes away. Without the
/// connection budget Kestrel retries the failing <c>accept</c> (<c>EMFILE</c>) in a loop at full CPU and the process
/// dies within seconds ("Out of memory.").
/// </summary>
public sealed class DescriptorExhaustionTests
{
    private const int OpenFileLimit = 400;
    private const int FloodConnections = 600;
    private static readonly TimeSpan FloodTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_connection_flood_past_the_open_file_limit_is_refused_and_the_server_serves_again_afterwards()
    {
        if (!OperatingSystem.IsLinux())
            throw new PlatformNotSupportedException("The open-file limit is set with ulimit and read from /proc (Linux).");
        await using var fixture = await FixtureProcess.StartWithOpenFileLimitAsync(OpenFileLimit);
        var rssBefore = ResidentMegabytes(fixture);

        var flood = new List<Socket>();
        var connects = new List<Task>();
        try
        {
            var closedByServer = 0;
            var connected = 0;
            var enoughClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            // The server cannot hold more than its limit, so at least this many must be closed by it (not left waiting).
            var mustClose = FloodConnections - OpenFileLimit;
            // A few lanes of one connect after another: a burst of 600 at once would overflow the kernel's accept queue,
            // and the connections it drops come back only at the client's SYN retransmits, seconds apart.
            for (var i = 0; i < FloodConnections; i++)
                flood.Add(new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
            const int lanes = 8;
            for (var lane = 0; lane < lanes; lane++)
            {
                var first = lane;
                connects.Add(Task.Run(async () =>
                {
                    var watches = new List<Task>();
                    for (var i = first; i < FloodConnections; i += lanes)
                    {
                        try
                        {
                            await flood[i].ConnectAsync(IPAddress.Loopback, fixture.Port);
                        }
                        catch (SocketException)
                        {
                            // The server's reset can overtake the connect's completion: refused all the same.
                            ClosedByServer();
                            continue;
                        }
                        Interlocked.Increment(ref connected);
                        watches.Add(WatchAsync(flood[i]));
                    }
                    await Task.WhenAll(watches);
                }));
            }
            async Task WatchAsync(Socket socket)
            {
                try
                {
                    // A refused connection is accepted and closed at once: the read ends (0 bytes or a reset).
                    await socket.ReceiveAsync(new byte[1], SocketFlags.None);
                }
                catch (SocketException)
                {
                }
                catch (ObjectDisposedException)
                {
                    return;
                }
                ClosedByServer();
            }
            void ClosedByServer()
            {
                if (Interlocked.Increment(ref closedByServer) >= mustClose)
                    enoughClosed.TrySetResult();
            }

            var finished = await Task.WhenAny(enoughClosed.Task, Task.Delay(FloodTimeout));
            Assert.True(finished == enoughClosed.Task && !fixture.HasExited,
                $"{Volatile.Read(ref closedByServer)} of {FloodConnections} connections ({Volatile.Read(ref connected)} connected) closed by the server within {FloodTimeout.TotalSeconds} s " +
                $"(at least {mustClose} expected); exited: {fixture.HasExited}.\n{fixture.Output}");

            // The refusals are logged as one summary per interval, not one line per connection.
            await WaitForOutputAsync(fixture, "connections refused: the server holds its maximum", TimeSpan.FromSeconds(20));
            Assert.DoesNotContain("rejected because the maximum number of concurrent connections", fixture.Output, StringComparison.Ordinal);

            var rssDuring = ResidentMegabytes(fixture);
            Assert.False(fixture.HasExited, fixture.Output);
            Assert.True(rssDuring - rssBefore < 64, $"RSS grew from {rssBefore} MB to {rssDuring} MB during the flood.\n{fixture.Output}");
        }
        finally
        {
            foreach (var socket in flood)
                socket.Dispose();
            await Task.WhenAll(connects).ContinueWith(static _ => { }, TaskScheduler.Default);
        }

        // With the flood gone, a fresh Engine.IO handshake succeeds as soon as the server has seen its connections end
        // (until then a new connection may still be over the budget and refused).
        var handshake = await HandshakeWithinAsync(fixture, TimeSpan.FromSeconds(15));
        Assert.StartsWith("0{\"sid\":", handshake, StringComparison.Ordinal);
        Assert.False(fixture.HasExited, fixture.Output);
    }

    private static async Task<string> HandshakeWithinAsync(FixtureProcess fixture, TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                return await http.GetStringAsync($"{fixture.Url}/socket.io/?EIO=4&transport=polling");
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !fixture.HasExited)
            {
                // Refused: the slots of the flood's connections are not all released yet.
                await Task.Delay(100);
            }
        }
    }

    private static long ResidentMegabytes(FixtureProcess fixture)
    {
        foreach (var line in File.ReadLines($"/proc/{fixture.ProcessId}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024;
        }
        throw new InvalidOperationException($"No VmRSS in /proc/{fixture.ProcessId}/status.");
    }

    private static async Task WaitForOutputAsync(FixtureProcess fixture, string text, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        // The fixture's output arrives through its pipes; poll it until the text shows up or the process exits.
        while (!fixture.Output.Contains(text, StringComparison.Ordinal))
        {
            if (fixture.HasExited || cts.IsCancellationRequested)
                throw fixture.Failure($"'{text}' not printed within {timeout.TotalSeconds} s (exited: {fixture.HasExited})");
            await Task.Delay(100);
        }
    }
}
