using System.Diagnostics;
using System.Text;

namespace TypedIo.Benchmarks.LoadGenerator;

internal sealed record Settings(
    Uri Url,
    int ServerPid,
    string ServerName,
    double WarmupSeconds,
    double DurationSeconds,
    int PayloadBytes,
    long ClockTicksPerSecond,
    int Round,
    int SourceAddresses,
    int BroadcastWindow,
    double IdleSettleSeconds,
    int ConnectParallelism,
    Uri? SecondUrl = null,
    int SecondServerPid = 0,
    string? SeriesPath = null,
    double BroadcastRate = 0)
{
    /// <summary>Server CPU time in clock ticks: both nodes' for the two-node scenarios.</summary>
    public long ServerCpuTicks() =>
        ProcessStats.CpuTicks(ServerPid) + (SecondServerPid > 0 ? ProcessStats.CpuTicks(SecondServerPid) : 0);
}

/// <summary>One measured row. Messages: echo/ack/polling round trips, broadcast deliveries, idle connections.</summary>
internal sealed record Result(
    int Round,
    string Server,
    string Scenario,
    int Clients,
    long Messages,
    double Seconds,
    double ServerCpuSeconds,
    double ClientCpuSeconds,
    double P50Us,
    double P99Us,
    double P999Us,
    double RssKbPerConnection,
    long Errors)
{
    public double MessagesPerSecond => Seconds > 0 ? Messages / Seconds : 0;

    public double MessagesPerCpuSecond => ServerCpuSeconds > 0 ? Messages / ServerCpuSeconds : 0;

    public static string Header =>
        "round\tserver\tscenario\tclients\tmessages\tseconds\tserver_cpu_s\tclient_cpu_s\tp50_us\tp99_us\tp999_us\trss_kb_per_conn\terrors";

    public string ToTsv() => string.Join('\t',
        Round, Server, Scenario, Clients, Messages, F(Seconds), F(ServerCpuSeconds), F(ClientCpuSeconds), F(P50Us), F(P99Us), F(P999Us), F(RssKbPerConnection), Errors);

    public static Result Parse(string line)
    {
        var f = line.Split('\t');
        return new Result(int.Parse(f[0], Inv), f[1], f[2], int.Parse(f[3], Inv), long.Parse(f[4], Inv), D(f[5]), D(f[6]), D(f[7]), D(f[8]), D(f[9]), D(f[10]), D(f[11]), long.Parse(f[12], Inv));
    }

    private static readonly IFormatProvider Inv = System.Globalization.CultureInfo.InvariantCulture;

    private static string F(double value) => double.IsNaN(value) ? "NaN" : value.ToString("0.###", Inv);

    private static double D(string text) => double.Parse(text, Inv);
}

/// <summary>
/// The measurement window shared by the clients of one scenario: a warm-up, then a measured interval during which
/// completed messages and their latencies count, with the server's CPU time read from /proc at both ends.
/// </summary>
internal sealed class Window(Settings settings, string scenario, int clients)
{
    private readonly Histogram _histogram = new();
    private long _messages;
    private long _allMessages; // warm-up included: the per-second series
    private volatile bool _measuring;
    private volatile bool _stopping;

    public bool Stopping => _stopping;

    public Histogram Histogram => _histogram;

    public void Complete(long startTimestamp, long messages = 1)
    {
        Interlocked.Add(ref _allMessages, messages);
        if (!_measuring)
            return;
        var elapsed = Stopwatch.GetElapsedTime(startTimestamp);
        _histogram.Record((long)(elapsed.Ticks / 10.0));
        Interlocked.Add(ref _messages, messages);
    }

    public async Task<(long Messages, double Seconds, double ServerCpu, double ClientCpu)> RunAsync()
    {
        using var series = new CancellationTokenSource();
        var sampling = settings.SeriesPath is null ? Task.CompletedTask : SampleSeriesAsync(settings.SeriesPath, series.Token);
        try
        {
            return await MeasureAsync().ConfigureAwait(false);
        }
        finally
        {
            series.Cancel();
            await sampling.ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Messages and server CPU in every second from the start of the load (warm-up included): how a fresh server
    /// process gets up to speed. Appends <c>server scenario clients round second messages server_cpu_s</c> rows.
    /// </summary>
    private async Task SampleSeriesAsync(string path, CancellationToken cancellationToken)
    {
        var rows = new System.Text.StringBuilder();
        if (!File.Exists(path))
            rows.Append("server\tscenario\tclients\tround\tsecond\tmessages\tserver_cpu_s\n");
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var second = 0;
        var messages0 = Interlocked.Read(ref _allMessages);
        var cpu0 = settings.ServerCpuTicks();
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                var messages1 = Interlocked.Read(ref _allMessages);
                var cpu1 = settings.ServerCpuTicks();
                second++;
                rows.Append(System.Globalization.CultureInfo.InvariantCulture,
                    $"{settings.ServerName}\t{scenario}\t{clients}\t{settings.Round}\t{second}\t{messages1 - messages0}\t{(cpu1 - cpu0) / (double)settings.ClockTicksPerSecond:0.###}\n");
                (messages0, cpu0) = (messages1, cpu1);
            }
        }
        catch (OperationCanceledException)
        {
        }
        File.AppendAllText(path, rows.ToString());
    }

    private async Task<(long Messages, double Seconds, double ServerCpu, double ClientCpu)> MeasureAsync()
    {
        await Task.Delay(TimeSpan.FromSeconds(settings.WarmupSeconds)).ConfigureAwait(false);
        var cpu0 = settings.ServerCpuTicks();
        var client0 = Process.GetCurrentProcess().TotalProcessorTime;
        var t0 = Stopwatch.GetTimestamp();
        _measuring = true;
        await Task.Delay(TimeSpan.FromSeconds(settings.DurationSeconds)).ConfigureAwait(false);
        _measuring = false;
        var seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        var cpu1 = settings.ServerCpuTicks();
        var client1 = Process.GetCurrentProcess().TotalProcessorTime;
        _stopping = true;
        return (Interlocked.Read(ref _messages), seconds, (cpu1 - cpu0) / (double)settings.ClockTicksPerSecond, (client1 - client0).TotalSeconds);
    }
}

internal static class Scenarios
{
    public static async Task<Result> RunAsync(string scenario, int clients, Settings settings, Transport transport)
    {
        return scenario switch
        {
            "echo" => await RoundTripAsync(scenario, clients, settings, transport, ack: false).ConfigureAwait(false),
            "ack" => await RoundTripAsync(scenario, clients, settings, transport, ack: true).ConfigureAwait(false),
            "broadcast" => await BroadcastAsync(clients, settings, transport).ConfigureAwait(false),
            "cluster-broadcast" => await BroadcastAsync(clients, settings, transport, twoNodes: true).ConfigureAwait(false),
            "polling" => await PollingAsync(clients, settings, transport).ConfigureAwait(false),
            "idle" => await IdleAsync(clients, settings, transport).ConfigureAwait(false),
            _ => throw new ArgumentException("unknown scenario " + scenario),
        };
    }

    private static string Payload(int bytes, string prefix = "") => prefix + new string('x', Math.Max(0, bytes - prefix.Length));

    private static async Task<List<T>> ConnectManyAsync<T>(int count, Settings settings, Func<CancellationToken, Task<T>> connect, Counter errors)
        where T : class
    {
        var result = new List<T>(count);
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = settings.ConnectParallelism }, async (_, _) =>
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                var client = await connect(timeout.Token).ConfigureAwait(false);
                lock (result)
                    result.Add(client);
            }
            catch (Exception ex)
            {
                errors.Add(ex);
            }
        }).ConfigureAwait(false);
        return result;
    }

    /// <summary>echo and ack: every client is a closed loop with one request outstanding.</summary>
    private static async Task<Result> RoundTripAsync(string scenario, int count, Settings settings, Transport transport, bool ack)
    {
        var errors = new Counter();
        var clients = await ConnectManyAsync(count, settings, ct => WsClient.ConnectAsync(settings.Url, transport, ct), errors).ConfigureAwait(false);
        var payload = Payload(settings.PayloadBytes);
        var echoFrame = Encoding.UTF8.GetBytes("42[\"echo\",\"" + payload + "\"]");
        // Ack ids cycle 0..9: one request is outstanding per client, so an id is never in use twice.
        var ackFrames = Enumerable.Range(0, 10).Select(i => Encoding.UTF8.GetBytes($"42{i}[\"ack\",\"{payload}\"]")).ToArray();
        var ackReplies = Enumerable.Range(0, 10).Select(i => Encoding.UTF8.GetBytes($"43{i}[")).ToArray();
        var window = new Window(settings, scenario, count);
        using var stop = new CancellationTokenSource();

        async Task LoopAsync(WsClient client, int index)
        {
            var id = index % 10;
            try
            {
                while (!window.Stopping)
                {
                    var start = Stopwatch.GetTimestamp();
                    await client.SendAsync(ack ? ackFrames[id] : echoFrame, stop.Token).ConfigureAwait(false);
                    do
                    {
                        await client.ReceiveAsync(stop.Token).ConfigureAwait(false);
                    }
                    while (!(ack ? client.Last.StartsWith(ackReplies[id]) : client.Last.StartsWith("42[\"echo\""u8)));
                    window.Complete(start);
                    id = id == 9 ? 0 : id + 1;
                }
            }
            catch (Exception ex) when (!window.Stopping)
            {
                errors.Add(ex);
            }
            catch (Exception)
            {
                // Cancelled at the end.
            }
        }

        var loops = clients.Select((c, i) => Task.Run(() => LoopAsync(c, i))).ToArray();
        var (messages, seconds, serverCpu, clientCpu) = await window.RunAsync().ConfigureAwait(false);
        stop.CancelAfter(TimeSpan.FromSeconds(3));
        await Task.WhenAll(loops).ConfigureAwait(false);
        foreach (var client in clients)
            client.Dispose();
        return Build(settings, scenario, count, messages, seconds, serverCpu, clientCpu, window.Histogram, double.NaN, errors);
    }

    /// <summary>
    /// broadcast: N receivers in one room, one sender (not in the room) emitting <c>room-emit</c> with a sequence
    /// number, at most <see cref="Settings.BroadcastWindow"/> broadcasts in flight. Latency is send → last receiver;
    /// messages are deliveries. cluster-broadcast (<paramref name="twoNodes"/>): the receivers alternate between the two
    /// nodes of a cluster on one Redis (<see cref="Settings.SecondUrl"/>), the sender is on the first node, so half of
    /// the deliveries cross Redis; server CPU is both nodes'.
    /// </summary>
    private static async Task<Result> BroadcastAsync(int count, Settings settings, Transport transport, bool twoNodes = false)
    {
        if (twoNodes && (settings.SecondUrl is null || settings.SecondServerPid <= 0))
            throw new ArgumentException("cluster-broadcast needs --url2 and --server-pid2 (the second node of the cluster)");
        var errors = new Counter();
        var next = -1;
        var receivers = await ConnectManyAsync(count, settings, async ct =>
        {
            var url = twoNodes && Interlocked.Increment(ref next) % 2 == 1 ? settings.SecondUrl! : settings.Url;
            var client = await WsClient.ConnectAsync(url, transport, ct).ConfigureAwait(false);
            try
            {
                await client.SendAsync("420[\"join\",\"bench\"]"u8.ToArray(), ct).ConfigureAwait(false);
                do
                {
                    await client.ReceiveAsync(ct).ConfigureAwait(false);
                }
                while (!client.Last.StartsWith("430["u8));
                return client;
            }
            catch
            {
                client.Dispose();
                throw;
            }
        }, errors).ConfigureAwait(false);
        var sender = await WsClient.ConnectAsync(settings.Url, transport, CancellationToken.None).ConfigureAwait(false);
        var members = receivers.Count;

        const int Ring = 4096;
        var remaining = new int[Ring];
        var sentAt = new long[Ring];
        using var inFlight = new SemaphoreSlim(settings.BroadcastWindow, settings.BroadcastWindow);
        var window = new Window(settings, twoNodes ? "cluster-broadcast" : "broadcast", count);
        using var stop = new CancellationTokenSource();

        // 42["room-emit","bench","bc","SSSSSSSSxxx..."]: receivers get 42["bc","SSSSSSSS...; the digits start at 9.
        var template = Encoding.UTF8.GetBytes("42[\"room-emit\",\"bench\",\"bc\",\"" + Payload(settings.PayloadBytes, "00000000") + "\"]");
        var digitsAt = "42[\"room-emit\",\"bench\",\"bc\",\"".Length;

        async Task ReceiveLoopAsync(WsClient client)
        {
            try
            {
                while (true)
                {
                    await client.ReceiveAsync(stop.Token).ConfigureAwait(false);
                    var last = client.Last;
                    if (last.Length < 17 || !last.StartsWith("42[\"bc\",\""u8))
                        continue;
                    var seq = 0;
                    for (var i = 9; i < 17; i++)
                        seq = (seq * 10) + (last[i] - '0');
                    var slot = seq % Ring;
                    if (Interlocked.Decrement(ref remaining[slot]) == 0)
                    {
                        window.Complete(Volatile.Read(ref sentAt[slot]), members);
                        inFlight.Release();
                    }
                }
            }
            catch (Exception ex) when (!window.Stopping)
            {
                errors.Add(ex);
            }
            catch (Exception)
            {
            }
        }

        async Task SendLoopAsync()
        {
            var seq = 0;
            // --broadcast-rate: an offered load (broadcasts per second) instead of a closed loop, so that every server
            // is measured at the same rate, below what saturates the server or the load generator.
            var paced = settings.BroadcastRate > 0;
            var start = Stopwatch.GetTimestamp();
            long sent = 0;
            try
            {
                while (!window.Stopping)
                {
                    if (paced)
                    {
                        var due = TimeSpan.FromSeconds(sent++ / settings.BroadcastRate) - Stopwatch.GetElapsedTime(start);
                        if (due > TimeSpan.FromMilliseconds(1))
                            await Task.Delay(due).ConfigureAwait(false);
                    }
                    if (!await inFlight.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false))
                    {
                        errors.Add(new TimeoutException("a broadcast did not reach every receiver within 10 s"));
                        return;
                    }
                    if (window.Stopping)
                        return;
                    var slot = seq % Ring;
                    Volatile.Write(ref remaining[slot], members);
                    var value = seq;
                    for (var i = digitsAt + 7; i >= digitsAt; i--)
                    {
                        template[i] = (byte)('0' + (value % 10));
                        value /= 10;
                    }
                    Volatile.Write(ref sentAt[slot], Stopwatch.GetTimestamp());
                    await sender.SendAsync(template, stop.Token).ConfigureAwait(false);
                    seq = (seq + 1) % 100_000_000;
                }
            }
            catch (Exception ex) when (!window.Stopping)
            {
                errors.Add(ex);
            }
            catch (Exception)
            {
            }
        }

        // The sender reads too: it must answer the server's pings. Without that, a server closes it after
        // pingInterval + pingTimeout (45 s with socket.io's defaults) and every broadcast after that is lost.
        async Task AnswerPingsAsync()
        {
            try
            {
                while (true)
                    await sender.ReceiveAsync(stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (!window.Stopping)
            {
                errors.Add(ex);
            }
            catch (Exception)
            {
            }
        }

        sender.AllowConcurrentSends();
        var loops = receivers.Select(r => Task.Run(() => ReceiveLoopAsync(r))).ToList();
        loops.Add(Task.Run(AnswerPingsAsync));
        var sending = Task.Run(SendLoopAsync);
        var (messages, seconds, serverCpu, clientCpu) = await window.RunAsync().ConfigureAwait(false);
        await sending.ConfigureAwait(false);
        // Let the last broadcasts arrive, then stop the receivers.
        await Task.Delay(200).ConfigureAwait(false);
        stop.Cancel();
        await Task.WhenAll(loops).ConfigureAwait(false);
        sender.Dispose();
        foreach (var client in receivers)
            client.Dispose();
        return Build(settings, twoNodes ? "cluster-broadcast" : "broadcast", count, messages, seconds, serverCpu, clientCpu, window.Histogram, double.NaN, errors);
    }

    /// <summary>polling: the echo loop over HTTP long-polling only (a GET waiting while the POST goes out).</summary>
    private static async Task<Result> PollingAsync(int count, Settings settings, Transport transport)
    {
        var errors = new Counter();
        var clients = await ConnectManyAsync(count, settings, ct => PollingClient.ConnectAsync(settings.Url, transport, ct), errors).ConfigureAwait(false);
        var echoFrame = Encoding.UTF8.GetBytes("42[\"echo\",\"" + Payload(settings.PayloadBytes) + "\"]");
        var window = new Window(settings, "polling", count);
        using var stop = new CancellationTokenSource();

        async Task LoopAsync(PollingClient client)
        {
            try
            {
                while (!window.Stopping)
                {
                    var start = Stopwatch.GetTimestamp();
                    var poll = client.PollAsync(stop.Token);
                    await client.PostAsync(echoFrame, stop.Token).ConfigureAwait(false);
                    var body = await poll.ConfigureAwait(false);
                    while (body.AsSpan().IndexOf("42[\"echo\""u8) < 0)
                        body = await client.PollAsync(stop.Token).ConfigureAwait(false);
                    window.Complete(start);
                }
            }
            catch (Exception ex) when (!window.Stopping)
            {
                errors.Add(ex);
            }
            catch (Exception)
            {
            }
        }

        var loops = clients.Select(c => Task.Run(() => LoopAsync(c))).ToArray();
        var (messages, seconds, serverCpu, clientCpu) = await window.RunAsync().ConfigureAwait(false);
        stop.CancelAfter(TimeSpan.FromSeconds(3));
        await Task.WhenAll(loops).ConfigureAwait(false);
        return Build(settings, "polling", count, messages, seconds, serverCpu, clientCpu, window.Histogram, double.NaN, errors);
    }

    /// <summary>idle: N WebSocket connections joined to "/" and held; server RSS growth per connection.</summary>
    private static async Task<Result> IdleAsync(int count, Settings settings, Transport transport)
    {
        var errors = new Counter();
        await Task.Delay(TimeSpan.FromSeconds(settings.IdleSettleSeconds)).ConfigureAwait(false);
        var rss0 = ProcessStats.RssKb(settings.ServerPid);
        var cpu0 = settings.ServerCpuTicks();
        var t0 = Stopwatch.GetTimestamp();
        var clients = await ConnectManyAsync(count, settings, ct => WsClient.ConnectAsync(settings.Url, transport, ct), errors).ConfigureAwait(false);
        var seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        var cpu1 = settings.ServerCpuTicks();
        await Task.Delay(TimeSpan.FromSeconds(settings.IdleSettleSeconds)).ConfigureAwait(false);
        var rss1 = ProcessStats.RssKb(settings.ServerPid);
        var perConnection = clients.Count > 0 ? (rss1 - rss0) / (double)clients.Count : double.NaN;
        foreach (var client in clients)
            client.Dispose();
        // Messages: connections opened (handshake + CONNECT) per second and per server CPU-second.
        var result = new Result(settings.Round, settings.ServerName, "idle", count, clients.Count, seconds, (cpu1 - cpu0) / (double)settings.ClockTicksPerSecond, 0, double.NaN, double.NaN, double.NaN, perConnection, errors.Count);
        errors.Report();
        return result;
    }

    private static Result Build(Settings settings, string scenario, int clients, long messages, double seconds, double serverCpu, double clientCpu, Histogram histogram, double rss, Counter errors)
    {
        errors.Report();
        return new Result(settings.Round, settings.ServerName, scenario, clients, messages, seconds, serverCpu, clientCpu,
            histogram.Percentile(50), histogram.Percentile(99), histogram.Percentile(99.9), rss, errors.Count);
    }
}

internal sealed class Counter
{
    private long _count;
    private string? _first;

    public long Count => Interlocked.Read(ref _count);

    public void Add(Exception ex)
    {
        if (Interlocked.Increment(ref _count) == 1)
            _first = ex.GetType().Name + ": " + ex.Message;
    }

    public void Report()
    {
        if (_first is not null)
            Console.Error.WriteLine($"  {Count} error(s), first: {_first}");
    }
}
