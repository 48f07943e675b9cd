using System.Buffers;
using MessagePack;
using StackExchange.Redis;
using TypedIo.Redis.Tests.Infrastructure;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Redis.Tests.Streams;

/// <summary>
/// Malformed and foreign stream entries and pub/sub messages on a TypedIo streams cluster: each node logs and drops
/// them, keeps reading the stream after them, and no client sees anything of them (tests/js/cluster/tio-cluster.mjs,
/// scenario malformed, checks the clients and that the cluster still works).
/// </summary>
public sealed class StreamsFaultMessageTests
{
    [Fact]
    public async Task Malformed_and_foreign_entries_and_messages_are_logged_and_dropped_and_affect_no_client()
    {
        await using var cluster = await TypedIoCluster.StartAsync("streams");
        var signal = TypedIoCluster.NewSignalPath();
        try
        {
            await using var script = NodeScript.Start("cluster/tio-cluster.mjs", "malformed", cluster.A.Url, cluster.B.Url, signal);
            await script.WaitForEventAsync("ready");

            await using (var redis = await ConnectionMultiplexer.ConnectAsync(cluster.Redis.Endpoint))
            {
                var database = redis.GetDatabase();
                foreach (var fields in GarbageEntries())
                    await database.StreamAddAsync("socket.io", fields);
                var publisher = redis.GetSubscriber();
                foreach (var message in GarbageMessages())
                    await publisher.PublishAsync(RedisChannel.Literal("socket.io#/#"), message);
            }
            await File.WriteAllTextAsync(signal, "published");
            await script.WaitForSuccessAsync(TimeSpan.FromSeconds(60));

            foreach (var node in new[] { cluster.A, cluster.B })
            {
                Assert.False(node.HasExited);
                Assert.Contains("of Redis stream socket.io: ", node.Output);                   // entries that cannot be decoded
                Assert.Contains("Dropped a malformed message on Redis channel socket.io ", node.Output); // entries that decode to bad messages
                Assert.Contains("Dropped a malformed message on Redis channel socket.io#/#: ", node.Output);
            }
        }
        finally
        {
            File.Delete(signal);
        }
    }

    private static IEnumerable<NameValueEntry[]> GarbageEntries()
    {
        const string Opts = """ "opts":{"rooms":[],"except":[],"flags":{}} """;
        NameValueEntry[] Entry(string type, string? data, string nsp = "/") =>
            data is null
                ? [new("uid", "someone"), new("nsp", nsp), new("type", type)]
                : [new("uid", "someone"), new("nsp", nsp), new("type", type), new("data", data)];
        yield return Entry("abc", "{}");
        yield return Entry("3", "{not json");
        yield return Entry("3", "!!not base64");
        yield return Entry("3", Convert.ToBase64String([0xc1, 0xff, 0x00, 0x13]));
        yield return Entry("3", "[1,2,3]");
        yield return Entry("3", """{"packet":{"type":0,"data":["x"]},""" + Opts + "}");
        yield return Entry("3", """{"packet":{"type":2,"data":["still","garbage"]}}""");
        yield return Entry("4", """{"rooms":["x"]}""");
        yield return Entry("99", "{}");
        yield return Entry("3", null);
        // No namespace (skipped, as Node's reader skips it), and another namespace's broadcast (foreign: ignored).
        yield return [new("uid", "someone"), new("type", "3"), new("data", "{}")];
        yield return Entry("3", """{"packet":{"type":2,"data":["still","garbage"]},""" + Opts + "}", "/elsewhere");
    }

    private static IEnumerable<byte[]> GarbageMessages()
    {
        yield return [0xc1, 0xff, 0x00, 0x13];
        yield return "{not json"u8.ToArray();
        yield return MessagePack((ref MessagePackWriter w) => w.Write("just a string"));
        // A server-side emit without event, and a response without request id.
        yield return MessagePack((ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(4);
            w.Write("type");
            w.Write(9);
            w.Write("data");
            w.WriteMapHeader(1);
            w.Write("packet");
            w.WriteArrayHeader(0);
            w.Write("uid");
            w.Write("someone");
            w.Write("nsp");
            w.Write("/");
        });
        yield return MessagePack((ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(4);
            w.Write("type");
            w.Write(8);
            w.Write("data");
            w.WriteMapHeader(1);
            w.Write("sockets");
            w.WriteArrayHeader(0);
            w.Write("uid");
            w.Write("someone");
            w.Write("nsp");
            w.Write("/");
        });
    }

    private delegate void Write(ref MessagePackWriter writer);

    private static byte[] MessagePack(Write write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        write(ref writer);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }
}
