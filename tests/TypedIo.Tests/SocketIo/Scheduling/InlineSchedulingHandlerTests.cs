using TypedIo.SocketIo;

namespace TypedIo.Tests.SocketIo.Scheduling;

/// <summary>
/// With <c>EngineIo.InlineScheduling</c>, a handler that awaits something still pending continues on the thread pool,
/// not on the thread that completed what it awaited (with inline socket completions, the socket engine's thread).
/// Without it, the continuation runs on the completing thread: the second row of each theory shows the test can tell.
/// </summary>
public sealed class InlineSchedulingHandlerTests
{
    private const string Completer = "completer";
    private const string Context = "ThreadPoolContinuations";

    [Theory]
    [InlineData(true, "thread pool")]
    [InlineData(false, Completer)]
    public async Task An_event_handler_continues_after_a_pending_await_on_the_thread_pool_only_in_inline_scheduling(bool inline, string expected)
    {
        var gate = new TaskCompletionSource(); // continuations run synchronously, on the thread that completes it
        var suspended = SioTest.Signal<bool>();
        await using var host = await SioTest.StartAsync(
            io => io.Of("/").OnConnection(socket =>
            {
                socket.On("wait", async e =>
                {
                    await gate.Task;
                    e.Ack(WhereAmI());
                });
                socket.On("next", _ => suspended.TrySetResult(true));
            }),
            o => o.EngineIo.InlineScheduling = inline);
        var (client, _) = await SioClient.ConnectAndJoinAsync(host);
        using (client)
        {
            await client.SendAsync("""421["wait"]""");
            // A socket's packets are dispatched in order, each once the one before has run to its first pending await:
            // when `next` runs, `wait` is suspended on the gate.
            await client.SendAsync("""42["next"]""");
            await suspended.Task.Within();
            CompleteOnItsOwnThread(gate);

            Assert.Equal($"""431["{expected}"]""", await client.ReceiveAsync());
        }
    }

    [Theory]
    [InlineData(true, "thread pool")]
    [InlineData(false, Completer)]
    public async Task An_event_handler_continues_after_its_second_pending_await_on_the_thread_pool_only_in_inline_scheduling(bool inline, string expected)
    {
        var first = new TaskCompletionSource(); // continuations run synchronously, on the thread that completes it
        var second = new TaskCompletionSource();
        var suspended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await SioTest.StartAsync(
            io => io.Of("/").OnConnection(socket =>
                socket.On("wait", async e =>
                {
                    await first.Task;
                    // Back on the thread pool (the first test): the second await must come back to it too.
                    await new SignalWhenAwaited(second.Task, suspended);
                    e.Ack(WhereAmI());
                })),
            o => o.EngineIo.InlineScheduling = inline);
        var (client, _) = await SioClient.ConnectAndJoinAsync(host);
        using (client)
        {
            await client.SendAsync("""421["wait"]""");
            CompleteOnItsOwnThread(first);
            await suspended.Task.Within();
            CompleteOnItsOwnThread(second);

            Assert.Equal($"""431["{expected}"]""", await client.ReceiveAsync());
        }
    }

    /// <summary>
    /// Awaits a task as <c>await task</c> does (capturing the current context) and says when the continuation is
    /// registered, so the task can be completed only once the handler is suspended on it.
    /// </summary>
    private readonly struct SignalWhenAwaited(Task task, TaskCompletionSource registered) : System.Runtime.CompilerServices.INotifyCompletion
    {
        public SignalWhenAwaited GetAwaiter() => this;

        public bool IsCompleted => false;

        public void OnCompleted(Action continuation)
        {
            task.GetAwaiter().OnCompleted(continuation);
            registered.TrySetResult();
        }

        public void GetResult() => task.GetAwaiter().GetResult();
    }

    [Theory]
    [InlineData(true, Context)]
    [InlineData(false, "none")]
    public async Task Connection_event_and_disconnect_handlers_start_under_the_context_that_moves_their_continuations_only_in_inline_scheduling(bool inline, string expected)
    {
        var seen = new Recorder<string>();
        await using var host = await SioTest.StartAsync(
            io => io.Of("/").OnConnection(socket =>
            {
                seen.Add("connection: " + CurrentContext());
                socket.On("now", e => e.Ack(CurrentContext()));
                socket.Disconnected += (_, _) => seen.Add("disconnect: " + CurrentContext());
            }),
            o => o.EngineIo.InlineScheduling = inline);
        var (client, _) = await SioClient.ConnectAndJoinAsync(host);
        using (client)
        {
            Assert.Equal("connection: " + expected, await seen.NextAsync());
            await client.SendAsync("""422["now"]""");
            Assert.Equal($"""432["{expected}"]""", await client.ReceiveAsync());

            await client.CloseAsync();
            Assert.Equal("disconnect: " + expected, await seen.NextAsync());
        }
    }

    private static string CurrentContext() => SynchronizationContext.Current?.GetType().Name ?? "none";

    private static string WhereAmI() =>
        Thread.CurrentThread.Name == Completer ? Completer : Thread.CurrentThread.IsThreadPoolThread ? "thread pool" : "another thread";

    private static void CompleteOnItsOwnThread(TaskCompletionSource gate)
    {
        var thread = new Thread(gate.SetResult) { Name = Completer, IsBackground = true };
        thread.Start();
        Assert.True(thread.Join(SioTest.Timeout), "the completing thread did not finish");
    }
}
