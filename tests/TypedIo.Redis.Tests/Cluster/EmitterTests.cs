using Microsoft.Extensions.DependencyInjection;
using TypedIo.Fixture.Hubs;
using TypedIo.Redis.Tests.Infrastructure;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Redis.Tests.Cluster;

/// <summary>
/// TypedIo's emitter in a process that serves no clients: the fixture's generated hub context over
/// <c>AddRedisEmitter</c> reaches the clients of both nodes (rooms, except, binary), and socketsJoin, server-side emit
/// and disconnectSockets act on them; acks fail clearly.
/// </summary>
public sealed class EmitterTests
{
    [Fact]
    public async Task The_typed_hub_context_emits_to_the_clusters_clients_through_the_emitter()
    {
        await using var cluster = await TypedIoCluster.StartAsync();
        var signal = TypedIoCluster.NewSignalPath();
        try
        {
            await using var script = NodeScript.Start("cluster/tio-cluster.mjs", "emitter", cluster.A.Url, cluster.B.Url, signal);
            await script.WaitForEventAsync("ready");

            var services = new ServiceCollection();
            services.AddTypedIo().AddRedisEmitter(o => o.Configuration = cluster.Redis.Endpoint).AddSocketHub<MainHub>();
            await using var provider = services.BuildServiceProvider();
            var hub = provider.GetRequiredService<MainHubContext>();

            await hub.Room("lobby").Except("vip").Echo("lobby", 1, new byte[] { 7, 8 });
            await hub.All.Echo("all");
            hub.Namespace.In("lobby").SocketsJoin("late");
            hub.Namespace.ServerSideEmit("cluster-hello", "from-emitter", "worker");
            hub.Namespace.In("vip").DisconnectSockets();

            var ack = await Assert.ThrowsAsync<NotSupportedException>(() => hub.All.ServerAsk(null));
            Assert.Contains("emitter", ack.Message);
            await Assert.ThrowsAsync<NotSupportedException>(() => hub.Namespace.FetchSocketsAsync());

            // Publishing does not wait; a PING on the same connection answers after every PUBLISH sent before it.
            await provider.GetRequiredService<RedisConnection>().Multiplexer.GetDatabase().PingAsync();
            await File.WriteAllTextAsync(signal, "emitted");
            await script.WaitForSuccessAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            File.Delete(signal);
        }
    }
}
