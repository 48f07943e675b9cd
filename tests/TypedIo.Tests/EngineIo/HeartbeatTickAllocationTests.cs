using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using TypedIo.EngineIo;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Tests.EngineIo;

/// <summary>A heartbeat tick walks the sessions in place: what it allocates does not grow with their number.</summary>
public sealed class HeartbeatTickAllocationTests
{
    [Fact]
    public async Task A_tick_allocates_the_same_for_5_and_for_60_sessions()
    {
        var handler = new RecordingHandler(echo: false);
        var clock = new ManualTimeProvider(); // its timers never fire: only the test ticks
        var host = await TestHost.StartAsync(
            app => app.MapEngineIo(EioTestUtil.Path, handler, o => o.PingInterval = TimeSpan.FromMinutes(1)),
            services => services.AddSingleton<TimeProvider>(clock));
        await using var _ = host;
        var clients = new List<RawPollingClient>();
        try
        {
            clients.Add(await RawPollingClient.ConnectAsync(host));
            var server = (await handler.WaitConnectedAsync()).Server;
            var now = server.NowMilliseconds; // nothing is due: a tick only looks at each session
            while (clients.Count < 5)
                clients.Add(await RawPollingClient.ConnectAsync(host));
            var few = AllocationMeter.PerCall(() => HeartbeatScheduler.CheckAll(server, now));
            while (clients.Count < 60)
                clients.Add(await RawPollingClient.ConnectAsync(host));
            Assert.Equal(60, server.ClientsCount);
            var many = AllocationMeter.PerCall(() => HeartbeatScheduler.CheckAll(server, now));

            Assert.True(many <= few, $"a tick allocated {few} B with 5 sessions and {many} B with 60");
            Assert.True(few <= 128, $"a tick allocated {few} B");
        }
        finally
        {
            foreach (var client in clients)
                client.Dispose();
        }
    }
}
