using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TypedIo.SocketIo;

namespace TypedIo.Tests.SocketIo.Api;

public sealed class EventConcurrencyLimitTests
{
    [Fact]
    public async Task A_socket_never_has_more_handlers_in_flight_than_the_limit_and_the_rest_run_once_one_finishes()
    {
        const int limit = 3;
        var sink = new LogSink();
        var release = SioTest.Signal<bool>();
        var running = 0;
        var maxRunning = 0;
        await using var host = await SioTest.StartAsync(
            io => io.Of("/").OnConnection(socket => socket.On("slow", async e =>
            {
                var now = Interlocked.Increment(ref running);
                InterlockedMax(ref maxRunning, now);
                await release.Task;
                Interlocked.Decrement(ref running);
                e.Ack(e.Args[0].GetInt32());
            })),
            options: o => o.MaxConcurrentEventsPerSocket = limit,
            services: s => s.AddSingleton<ILoggerProvider>(sink));
        var (client, _) = await SioClient.ConnectAndJoinAsync(host);
        using (client)
        {
            for (var i = 0; i < limit + 2; i++)
                await client.SendAsync($"42{i}[\"slow\",{i}]");

            // The event after the limit makes the server stop reading; that is logged.
            var throttled = await sink.WaitForAsync(208);
            Assert.Equal(LogLevel.Warning, throttled.Level);
            Assert.Equal(limit, Volatile.Read(ref running));

            release.SetResult(true);
            var acks = new List<string>();
            for (var i = 0; i < limit + 2; i++)
                acks.Add(await client.ReceiveAsync());
            acks.Sort(StringComparer.Ordinal);
            Assert.Equal(Enumerable.Range(0, limit + 2).Select(i => $"43{i}[{i}]"), acks);
            Assert.Equal(limit, Volatile.Read(ref maxRunning));
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
