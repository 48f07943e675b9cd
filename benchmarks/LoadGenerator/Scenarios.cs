using System.Diagnostics;
using System.Text;

namespace TypedIo.Benchmarks.LoadGenerator;

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

    /// <summary>
    /// Opens <paramref name="count"/> clients, <see cref="Settings.ConnectParallelism"/> at a time; one that fails is
    /// counted as lost. With <paramref name="giveUp"/>, the first loss cancels it and the connections not yet begun.
    /// </summary>
    private static async Task<List<T>> ConnectManyAsync<T>(int count, Settings settings, Func<CancellationToken, Task<T>> connect, ErrorTally errors, CancellationTokenSource? giveUp = null)
        where T : class
    {
        var result = new List<T>(count);
        var stop = giveUp?.Token ?? CancellationToken.None;
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = settings.ConnectParallelism, CancellationToken = stop }, async (_, _) =>
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
                timeout.CancelAfter(ConnectTimeout);
                try
                {
                    var client = await connect(timeout.Token).ConfigureAwait(false);
                    lock (result)
                        result.Add(client);
                }
                catch (Exception ex) when (!stop.IsCancellationRequested)
                {
                    errors.AddLost(ex);
                    giveUp?.Cancel();
                }
                catch (Exception)
                {
                    // Given up: another connection was lost first.
                }
            }).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        return result;
    }

    /// <summary>How long one client may take to connect (TCP, upgrade, open packet, CONNECT and its reply).</summary>
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// echo and ack: every client is a closed loop with one request outstanding. A client whose connection fails drops
    /// out (counted, the others go on); one that got no reply during the whole measured window counts as stalled. All
    /// clients are driven by one thread waiting on an <see cref="Epoll"/> set (see there for why).
    /// </summary>
    private static async Task<Result> RoundTripAsync(string scenario, int count, Settings settings, Transport transport, bool ack)
    {
        var errors = new ErrorTally();
        var clients = await ConnectManyAsync(count, settings, ct => WsClient.ConnectAsync(settings.Url, transport, ct, blocking: true), errors).ConfigureAwait(false);
        var payload = Payload(settings.PayloadBytes);
        var echoPayload = Encoding.UTF8.GetBytes("42[\"echo\",\"" + payload + "\"]");
        // Ack ids cycle 0..9: one request is outstanding per client, so an id is never in use twice.
        var ackPayloads = Enumerable.Range(0, 10).Select(i => Encoding.UTF8.GetBytes($"42{i}[\"ack\",\"{payload}\"]")).ToArray();
        var ackReplies = Enumerable.Range(0, 10).Select(i => Encoding.UTF8.GetBytes($"43{i}[")).ToArray();
        var window = new Window(settings, scenario, count);
        // Each connection masks with its own key: its frames are built once, here, and sent as they are.
        var loops = clients.Select((c, i) => new ClosedLoop(c, ack ? ackPayloads.Select(p => c.Frame(p)).ToArray() : [c.Frame(echoPayload)], i % 10)).ToArray();

        void Run()
        {
            using var epoll = new Epoll();
            for (var i = 0; i < loops.Length; i++)
            {
                try
                {
                    epoll.Add(loops[i].Client.Descriptor, i);
                    Send(loops[i]);
                }
                catch (Exception ex)
                {
                    errors.AddLost(ex);
                    loops[i].Client.Dispose();
                    loops[i].Lost = true;
                }
            }
            Span<int> ready = stackalloc int[256];
            while (!window.Stopping)
            {
                var n = epoll.Wait(ready, 100);
                for (var k = 0; k < n && !window.Stopping; k++)
                {
                    var loop = loops[ready[k]];
                    try
                    {
                        loop.Client.ReadAvailable();
                        while (loop.Client.TryTakeMessage())
                        {
                            if (!(ack ? loop.Client.Last.StartsWith(ackReplies[loop.Id]) : loop.Client.Last.StartsWith("42[\"echo\""u8)))
                                continue;
                            window.Complete(loop.Start);
                            loop.Replied |= window.Measuring;
                            loop.Id = loop.Id == 9 ? 0 : loop.Id + 1;
                            if (window.Stopping)
                                break;
                            Send(loop);
                        }
                    }
                    catch (Exception ex) when (!window.Stopping)
                    {
                        errors.AddLost(ex);
                        epoll.Remove(loop.Client.Descriptor);
                        loop.Client.Dispose();
                        loop.Lost = true;
                    }
                }
            }
        }

        void Send(ClosedLoop loop)
        {
            loop.Start = Stopwatch.GetTimestamp();
            loop.Client.SendNow(loop.Frames[ack ? loop.Id : 0]);
        }

        var running = RunOnThread(Run, scenario + " loop");
        var measured = await window.RunAsync().ConfigureAwait(false);
        await running.ConfigureAwait(false);
        foreach (var loop in loops)
        {
            if (!loop.Lost && !loop.Replied)
                errors.AddLost("stalled", "no reply during the measured window");
            loop.Client.Dispose();
        }
        return Build(settings, scenario, count, measured, window.Histogram, errors);
    }

    /// <summary>Runs <paramref name="loop"/> on a thread of its own (it blocks in epoll_wait); the task ends with it.</summary>
    private static Task RunOnThread(Action loop, string name)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        new Thread(() =>
        {
            try
            {
                loop();
                done.SetResult();
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        }) { IsBackground = true, Name = name }.Start();
        return done.Task;
    }

    /// <summary>One closed-loop client: its prebuilt frames, the ack id and send time of its request in flight.</summary>
    private sealed class ClosedLoop(WsClient client, byte[][] frames, int id)
    {
        public WsClient Client { get; } = client;

        public byte[][] Frames { get; } = frames;

        public int Id { get; set; } = id;

        public long Start { get; set; }

        public bool Replied { get; set; }

        public bool Lost { get; set; }
    }

    /// <summary>Lets the loops finish their round trip (3 s at most), then closes the clients, which ends any still waiting.</summary>
    private static async Task StopAsync(Task[] loops, IEnumerable<IDisposable> clients)
    {
        await Task.WhenAny(Task.WhenAll(loops), Task.Delay(TimeSpan.FromSeconds(3))).ConfigureAwait(false);
        foreach (var client in clients)
            client.Dispose();
        await Task.WhenAll(loops).ConfigureAwait(false);
    }

    /// <summary>
    /// broadcast: N receivers in one room, one sender (not in the room) emitting <c>room-emit</c> with a sequence
    /// number, at most <see cref="Settings.BroadcastWindow"/> broadcasts in flight. Latency is send → last receiver;
    /// messages are deliveries. cluster-broadcast (<paramref name="twoNodes"/>): the receivers alternate between the two
    /// nodes of a cluster on one Redis (<see cref="Settings.SecondUrl"/>), the sender is on the first node, so half of
    /// the deliveries cross Redis; server CPU is both nodes'. A receiver whose connection fails drops out and is no longer
    /// waited for (<see cref="BroadcastLedger"/>); a sender whose connection fails is replaced by a new one; a broadcast
    /// some receiver never gets is given up after <see cref="BroadcastTimeout"/> (counted as a timeout).
    /// </summary>
    private static async Task<Result> BroadcastAsync(int count, Settings settings, Transport transport, bool twoNodes = false)
    {
        if (twoNodes && (settings.SecondUrl is null || settings.SecondServerPid <= 0))
            throw new ArgumentException("cluster-broadcast needs --url2 and --server-pid2 (the second node of the cluster)");
        var errors = new ErrorTally();
        var next = -1;
        var receivers = await ConnectManyAsync(count, settings, async ct =>
        {
            var url = twoNodes && Interlocked.Increment(ref next) % 2 == 1 ? settings.SecondUrl! : settings.Url;
            var client = await WsClient.ConnectAsync(url, transport, ct, blocking: true).ConfigureAwait(false);
            try
            {
                await client.SendAsync(client.Frame("420[\"join\",\"bench\"]"u8)).ConfigureAwait(false);
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

        using var inFlight = new SemaphoreSlim(settings.BroadcastWindow, settings.BroadcastWindow);
        var window = new Window(settings, twoNodes ? "cluster-broadcast" : "broadcast", count);
        var ledger = new BroadcastLedger(receivers.Count, settings.BroadcastWindow,
            completed: (sentAt, deliveries) =>
            {
                window.Complete(sentAt, deliveries);
                inFlight.Release();
            },
            abandoned: _ =>
            {
                errors.Add("timeout", $"a broadcast did not reach every receiver within {BroadcastTimeout.TotalSeconds:0} s");
                inFlight.Release();
            });

        // 42["room-emit","bench","bc","SSSSSSSSxxx..."]: receivers get 42["bc","SSSSSSSS...; the digits start at 9.
        var template = Encoding.UTF8.GetBytes("42[\"room-emit\",\"bench\",\"bc\",\"" + Payload(settings.PayloadBytes, "00000000") + "\"]");
        var digitsAt = "42[\"room-emit\",\"bench\",\"bc\",\"".Length;

        // The receivers are read by one thread waiting on an Epoll set (see there for why).
        void ReceiveLoop()
        {
            using var epoll = new Epoll();
            var lastSeen = new int[receivers.Count];
            Array.Fill(lastSeen, -1);
            for (var i = 0; i < receivers.Count; i++)
                epoll.Add(receivers[i].Descriptor, i);
            Span<int> ready = stackalloc int[256];
            while (!window.Stopping)
            {
                var n = epoll.Wait(ready, 100);
                for (var k = 0; k < n; k++)
                {
                    var index = ready[k];
                    var client = receivers[index];
                    try
                    {
                        client.ReadAvailable();
                        while (client.TryTakeMessage())
                        {
                            var last = client.Last;
                            if (last.Length < 17 || !last.StartsWith("42[\"bc\",\""u8))
                                continue;
                            var seq = 0;
                            for (var i = 9; i < 17; i++)
                                seq = (seq * 10) + (last[i] - '0');
                            ledger.Delivered(seq);
                            lastSeen[index] = seq;
                        }
                    }
                    catch (Exception ex) when (!window.Stopping)
                    {
                        errors.AddLost(ex);
                        ledger.ReceiverLost(lastSeen[index]);
                        epoll.Remove(client.Descriptor);
                        client.Dispose();
                    }
                    catch (Exception)
                    {
                    }
                }
            }
        }

        var senders = new List<Sender>();
        var pingLoops = new List<Task>();
        async Task<Sender> NewSenderAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var sender = new Sender(await WsClient.ConnectAsync(settings.Url, transport, timeout.Token).ConfigureAwait(false), template);
            lock (senders)
            {
                senders.Add(sender);
                pingLoops.Add(Task.Run(() => AnswerPingsAsync(sender)));
            }
            return sender;
        }

        // The sender reads too: it must answer the server's pings. Without that, a server closes it after
        // pingInterval + pingTimeout (45 s with socket.io's defaults) and every broadcast after that is lost.
        async Task AnswerPingsAsync(Sender sender)
        {
            try
            {
                while (true)
                    await sender.Client.ReceiveAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (!window.Stopping)
            {
                sender.Fail(ex, errors);
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
            var digits = new byte[8];
            var checkedAt = start;
            try
            {
                var sender = await NewSenderAsync().ConfigureAwait(false);
                while (!window.Stopping)
                {
                    if (paced)
                    {
                        var due = TimeSpan.FromSeconds(sent++ / settings.BroadcastRate) - Stopwatch.GetElapsedTime(start);
                        if (due > TimeSpan.FromMilliseconds(1))
                            await Task.Delay(due).ConfigureAwait(false);
                    }
                    // Once a second at most: give up broadcasts some receiver never got, whether or not the window is full.
                    if (Stopwatch.GetElapsedTime(checkedAt) > TimeSpan.FromSeconds(1))
                    {
                        ledger.AbandonOlderThan(BroadcastTimeout);
                        checkedAt = Stopwatch.GetTimestamp();
                    }
                    while (!await inFlight.WaitAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false))
                    {
                        if (window.Stopping)
                            return;
                        ledger.AbandonOlderThan(BroadcastTimeout);
                        checkedAt = Stopwatch.GetTimestamp();
                    }
                    if (window.Stopping)
                        return;
                    if (ledger.Members == 0)
                    {
                        errors.Add("no-receivers", "every receiver dropped out: nothing left to broadcast to");
                        return;
                    }
                    if (sender.Failed)
                        sender = await ReplaceAsync().ConfigureAwait(false);
                    for (int i = 7, value = seq; i >= 0; i--, value /= 10)
                        digits[i] = (byte)('0' + (value % 10));
                    WebSocketFrames.WriteMasked(sender.Frame, digitsAt, digits);
                    ledger.Sent(seq);
                    try
                    {
                        await sender.Client.SendAsync(sender.Frame).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (!window.Stopping)
                    {
                        // This broadcast may or may not have gone out: if no receiver gets it, it is given up later.
                        sender.Fail(ex, errors);
                    }
                    seq++;
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

        async Task<Sender> ReplaceAsync()
        {
            var replacement = await NewSenderAsync().ConfigureAwait(false);
            errors.Add("sender-replaced", "the broadcast sender's connection failed: a new sender took over");
            return replacement;
        }

        var receiving = RunOnThread(ReceiveLoop, "broadcast receivers");
        var sending = Task.Run(SendLoopAsync);
        var measured = await window.RunAsync().ConfigureAwait(false);
        await sending.ConfigureAwait(false);
        await receiving.ConfigureAwait(false);
        foreach (var sender in senders)
            sender.Client.Dispose();
        await StopAsync([.. pingLoops], receivers).ConfigureAwait(false);
        return Build(settings, twoNodes ? "cluster-broadcast" : "broadcast", count, measured, window.Histogram, errors);
    }

    /// <summary>How long a broadcast may wait for its last receiver before it is given up.</summary>
    private static readonly TimeSpan BroadcastTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The broadcast sender's connection and its frame (masked with its key; the sequence digits change in place).</summary>
    private sealed class Sender
    {
        private int _failed;

        public Sender(WsClient client, byte[] payload)
        {
            Client = client;
            Client.AllowConcurrentSends();
            Frame = client.Frame(payload);
        }

        public WsClient Client { get; }

        public byte[] Frame { get; }

        public bool Failed => Volatile.Read(ref _failed) != 0;

        /// <summary>Counts the first failure (its reading and its sending loop may both see it) and closes the connection.</summary>
        public void Fail(Exception error, ErrorTally errors)
        {
            if (Interlocked.Exchange(ref _failed, 1) == 0)
                errors.Add(error);
            Client.Dispose();
        }
    }

    /// <summary>polling: the echo loop over HTTP long-polling only (a GET waiting while the POST goes out).</summary>
    private static async Task<Result> PollingAsync(int count, Settings settings, Transport transport)
    {
        var errors = new ErrorTally();
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
                errors.AddLost(ex);
            }
            catch (Exception)
            {
            }
        }

        var loops = clients.Select(c => Task.Run(() => LoopAsync(c))).ToArray();
        var measured = await window.RunAsync().ConfigureAwait(false);
        stop.CancelAfter(TimeSpan.FromSeconds(3));
        await Task.WhenAll(loops).ConfigureAwait(false);
        return Build(settings, "polling", count, measured, window.Histogram, errors);
    }

    /// <summary>
    /// idle: N WebSocket connections joined to "/" and held; server RSS growth per connection. All N must be open when
    /// RSS is read, else the run fails (<see cref="IncompleteRunException"/>): RSS over fewer connections than named is
    /// no result. The first connection lost stops the connect burst.
    /// </summary>
    private static async Task<Result> IdleAsync(int count, Settings settings, Transport transport)
    {
        var errors = new ErrorTally();
        await Task.Delay(TimeSpan.FromSeconds(settings.IdleSettleSeconds)).ConfigureAwait(false);
        var rss0 = ProcessStats.RssKb(settings.ServerPid);
        var cpu0 = settings.ServerCpuTicks();
        var t0 = Stopwatch.GetTimestamp();
        // Each connection is read from the moment it is open, so it answers the server's pings (ReceiveAsync does) as a
        // real idle client does: else the server closes it pingInterval + pingTimeout after it opened, and a connect
        // burst longer than that reads the RSS of fewer connections.
        var open = 0;
        using var holding = new CancellationTokenSource();
        using var giveUp = new CancellationTokenSource();
        var readers = new List<Task>(count);
        var opened = new List<WsClient>(count);
        try
        {
            var clients = await ConnectManyAsync(count, settings, async ct =>
            {
                var client = await WsClient.ConnectAsync(settings.Url, transport, ct).ConfigureAwait(false);
                Interlocked.Increment(ref open);
                lock (readers)
                {
                    opened.Add(client);
                    readers.Add(HoldAsync(client, errors, () => { Interlocked.Decrement(ref open); giveUp.Cancel(); }, holding.Token));
                }
                return client;
            }, errors, giveUp).ConfigureAwait(false);
            var seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            var cpu1 = settings.ServerCpuTicks();
            if (!giveUp.IsCancellationRequested)
                await Task.Delay(TimeSpan.FromSeconds(settings.IdleSettleSeconds)).ConfigureAwait(false);
            var rss1 = ProcessStats.RssKb(settings.ServerPid);
            var held = Volatile.Read(ref open);
            errors.Report(Console.Error);
            if (held < count || errors.ClientsLost > 0)
                throw new IncompleteRunException(
                    $"{held:N0} of {count:N0} connections open when the server's RSS was to be read ({clients.Count:N0} opened, " +
                    $"{errors.ClientsLost:N0} lost: {errors.Summary()}); RSS over fewer connections than named is no result");
            // Messages: connections opened (handshake + CONNECT) per second and per server CPU-second.
            return new Result(settings.Round, settings.ServerName, "idle", count, clients.Count, seconds, (cpu1 - cpu0) / (double)settings.ClockTicksPerSecond, 0,
                double.NaN, double.NaN, double.NaN, (rss1 - rss0) / (double)held, errors.Count, ClientsLost: errors.ClientsLost, ErrorKinds: errors.Summary());
        }
        finally
        {
            holding.Cancel();
            Task[] all;
            lock (readers)
            {
                foreach (var client in opened)
                    client.Dispose();
                all = [.. readers];
            }
            await Task.WhenAll(all).ConfigureAwait(false);
        }
    }

    /// <summary>Reads (and so answers pings) until the run ends; a connection the server closes before that is lost.</summary>
    private static async Task HoldAsync(WsClient client, ErrorTally errors, Action closed, CancellationToken stop)
    {
        await Task.Yield();
        try
        {
            while (true)
                await client.ReceiveAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (!stop.IsCancellationRequested)
        {
            closed();
            errors.AddLost(ex);
        }
        catch (Exception)
        {
            // The run disposed the client.
        }
    }

    private static Result Build(Settings settings, string scenario, int clients, Measured measured, Histogram histogram, ErrorTally errors)
    {
        errors.Report(Console.Error);
        return new Result(settings.Round, settings.ServerName, scenario, clients, measured.Messages, measured.Seconds, measured.ServerCpu, measured.ClientCpu,
            histogram.Percentile(50), histogram.Percentile(99), histogram.Percentile(99.9), double.NaN, errors.Count, measured.ClientAllocatedBytes,
            errors.ClientsLost, errors.Summary());
    }
}

/// <summary>A run that could not reach what it names (all its connections): it must fail, not report a partial figure.</summary>
internal sealed class IncompleteRunException(string message) : Exception(message);
