using System.Buffers;
using MessagePack;
using StackExchange.Redis;
using TypedIo.Redis.Tests.Infrastructure;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Redis.Tests.Cluster;

/// <summary>
/// Malformed and foreign messages published on every channel of the cluster: each node logs and drops them, and no
/// client sees anything of them (tests/js/cluster/tio-cluster.mjs, scenario malformed, checks the clients).
/// </summary>
public sealed class FaultMessageTests
{
    [Fact]
    public Task Malformed_and_foreign_messages_are_logged_and_dropped_and_affect_no_client() =>
        RunMalformedScenarioAsync("pubsub", Garbage().Select(g => (RedisChannel.Literal(g.Channel), g.Message)), cluster =>
        {
            foreach (var node in new[] { cluster.A, cluster.B })
            {
                Assert.Contains("Dropped a malformed or foreign message on Redis channel socket.io#/#", node.Output);
                Assert.Contains("Dropped a malformed or foreign message on Redis channel socket.io-request#/#", node.Output);
                Assert.Contains("Dropped a malformed or foreign message on Redis channel socket.io-response#/#", node.Output);
            }
        });

    [Fact]
    public Task With_the_sharded_adapter_malformed_and_foreign_messages_are_logged_and_dropped_and_affect_no_client() =>
        RunMalformedScenarioAsync("sharded", ShardedGarbage().Select(g => (RedisChannel.Sharded(g.Channel), g.Message)), cluster =>
        {
            // Both nodes read the namespace channel; B alone has a member in r1 (dynamic mode: its own channel).
            Assert.Contains("Dropped a malformed or foreign message on Redis channel socket.io#/#:", cluster.A.Output);
            Assert.Contains("Dropped a malformed or foreign message on Redis channel socket.io#/#r1#:", cluster.B.Output);
        });

    /// <summary>Publishes <paramref name="garbage"/> while tio-cluster.mjs (scenario malformed) checks that the clients are served and see nothing of it.</summary>
    private static async Task RunMalformedScenarioAsync(string adapter, IEnumerable<(RedisChannel Channel, byte[] Message)> garbage, Action<TypedIoCluster> assertLogs)
    {
        await using var cluster = await TypedIoCluster.StartAsync(adapter);
        var signal = TypedIoCluster.NewSignalPath();
        try
        {
            await using var script = NodeScript.Start("cluster/tio-cluster.mjs", "malformed", cluster.A.Url, cluster.B.Url, signal);
            await script.WaitForEventAsync("ready");

            await using (var redis = await ConnectionMultiplexer.ConnectAsync(cluster.Redis.Endpoint))
            {
                var publisher = redis.GetSubscriber();
                foreach (var (channel, message) in garbage)
                    await publisher.PublishAsync(channel, message);
            }
            await File.WriteAllTextAsync(signal, "published");
            await script.WaitForSuccessAsync(TimeSpan.FromSeconds(60));

            assertLogs(cluster);
            Assert.False(cluster.A.HasExited);
            Assert.False(cluster.B.HasExited);
        }
        finally
        {
            File.Delete(signal);
        }
    }

    private static IEnumerable<(string Channel, byte[] Message)> ShardedGarbage()
    {
        foreach (var channel in new[] { "socket.io#/#", "socket.io#/#r1#" })
        {
            yield return (channel, [0xc1, 0xff, 0x00, 0x13]);
            yield return (channel, "{not json"u8.ToArray());
            yield return (channel, "[1,2,3]"u8.ToArray());
            yield return (channel, MessagePack((ref MessagePackWriter w) => w.Write("just a string")));
            // Cluster messages: a broadcast of a CONNECT packet, one without opts, unknown and wrongly typed types, a
            // server-side emit without event, a response without request id, and a broadcast for another namespace
            // (foreign: ignored, as Node does).
            yield return (channel, """{"type":3,"data":{"packet":{"type":0,"data":["x"]},"opts":{"rooms":[],"except":[],"flags":{}}},"uid":"someone","nsp":"/"}"""u8.ToArray());
            yield return (channel, """{"type":3,"data":{"packet":{"type":2,"data":["still","garbage"]}},"uid":"someone","nsp":"/"}"""u8.ToArray());
            yield return (channel, """{"type":99,"data":{},"uid":"someone","nsp":"/"}"""u8.ToArray());
            yield return (channel, """{"type":"3","data":{},"uid":"someone","nsp":"/"}"""u8.ToArray());
            yield return (channel, """{"type":9,"data":{"packet":[]},"uid":"someone","nsp":"/"}"""u8.ToArray());
            yield return (channel, """{"type":8,"data":{"sockets":[]},"uid":"someone","nsp":"/"}"""u8.ToArray());
            yield return (channel, """{"type":3,"data":{"packet":{"type":2,"data":["still","garbage"]},"opts":{"rooms":[],"except":[],"flags":{}}},"uid":"someone","nsp":"/elsewhere"}"""u8.ToArray());
        }
    }

    private static IEnumerable<(string Channel, byte[] Message)> Garbage()
    {
        byte[] random = [0xc1, 0xff, 0x00, 0x13];
        foreach (var channel in new[] { "socket.io#/#", "socket.io#/#r1#", "socket.io-request#/#", "socket.io-response#/#" })
        {
            yield return (channel, random);
            yield return (channel, "{not json"u8.ToArray());
            yield return (channel, "[1,2,3]"u8.ToArray());
            yield return (channel, MessagePack((ref MessagePackWriter w) => w.Write("just a string")));
        }
        // A broadcast whose packet is not an event (a CONNECT), one truncated after its uid, and one for another
        // namespace (foreign: ignored, as Node does).
        yield return ("socket.io#/#", Broadcast(packetType: 0, nsp: "/"));
        yield return ("socket.io#/#", Broadcast(packetType: 2, nsp: "/")[..8]);
        yield return ("socket.io#/#", Broadcast(packetType: 2, nsp: "/elsewhere"));
        // Requests of unknown type, with wrong field types, a BROADCAST without packet, a server-side emit without event.
        yield return ("socket.io-request#/#", """{"type":99,"uid":"x","requestId":"r"}"""u8.ToArray());
        yield return ("socket.io-request#/#", """{"type":"5","uid":1,"requestId":2,"opts":"no"}"""u8.ToArray());
        yield return ("socket.io-request#/#", """{"type":6,"uid":"x","data":[]}"""u8.ToArray());
        yield return ("socket.io-request#/#", MessagePack((ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(3);
            w.Write("type");
            w.Write(7);
            w.Write("requestId");
            w.Write("abc");
            w.Write("uid");
            w.Write("x");
        }));
        yield return ("socket.io-response#/#", """{"requestId":"nobody","sockets":"no"}"""u8.ToArray());
    }

    private static byte[] Broadcast(int packetType, string nsp) => MessagePack((ref MessagePackWriter w) =>
    {
        w.WriteArrayHeader(3);
        w.Write("someone");
        w.WriteMapHeader(3);
        w.Write("type");
        w.Write(packetType);
        w.Write("data");
        w.WriteArrayHeader(2);
        w.Write("still");
        w.Write("garbage");
        w.Write("nsp");
        w.Write(nsp);
        w.WriteMapHeader(3);
        w.Write("rooms");
        w.WriteArrayHeader(0);
        w.Write("except");
        w.WriteArrayHeader(0);
        w.Write("flags");
        w.WriteMapHeader(0);
    });

    private delegate void Writer(ref MessagePackWriter writer);

    private static byte[] MessagePack(Writer write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        write(ref writer);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }
}
