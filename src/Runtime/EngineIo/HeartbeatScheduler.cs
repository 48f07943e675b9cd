namespace TypedIo.EngineIo;

/// <summary>
/// One timer for all sessions of a server instead of two per session: each tick sends the pings that are due
/// and closes sessions whose pong is late. A ping's pong deadline counts from its due time when the ping goes out
/// within a tick of it (when Node's own timer would have sent it), and from when it is sent, less one tick, when it
/// goes out later (as in Node's engine.io, whose deadline counts from the send): the tick's own granularity neither
/// delays the verdict on a silent client nor shortens a late ping's timeout by more than a tick. Requests check the
/// same deadlines on arrival, so a client that comes back after its deadline is refused even before the tick that
/// would have closed it.
/// </summary>
internal sealed class HeartbeatScheduler : IAsyncDisposable
{
    private readonly EngineIoServer _server;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public HeartbeatScheduler(EngineIoServer server)
    {
        _server = server;
        var tick = server.HeartbeatTick;
        _loop = Task.Run(() => RunAsync(tick));
    }

    /// <summary>How often the scheduler ticks: a tenth of the shorter of pingInterval and pingTimeout, 10–500 ms.</summary>
    internal static TimeSpan TickFor(EngineIoOptions options)
    {
        var shortest = Math.Min(options.PingInterval.TotalMilliseconds, options.PingTimeout.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(Math.Clamp(shortest / 10, 10, 500));
    }

    private async Task RunAsync(TimeSpan tick)
    {
        using var timer = new PeriodicTimer(tick, _server.TimeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
                CheckAll(_server, _server.NowMilliseconds);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// One tick: sends the pings that are due and closes the sessions whose pong is late, at <paramref name="now"/>, and
    /// drops the client-closed sessions whose late-poll grace is over.
    /// </summary>
    internal static void CheckAll(EngineIoServer server, long now)
    {
        server.ClientClosedPolls.DropExpired(now);
        foreach (var (_, session) in server.Sessions)
        {
            try
            {
                session.CheckHeartbeat(now);
            }
            catch (Exception ex)
            {
                EngineIoLog.HeartbeatFailed(server.Logger, session.Id, ex);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}
