using TypedIo.EngineIo;
using TypedIo.SocketIo;
using TypedIo.Tests.EngineIo;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Tests.SocketIo;

/// <summary>
/// A server whose parser counts what it encodes, and clients joined to <c>/</c> over long-polling with no request
/// waiting: what the server sends them stays queued, where a test can compare it with what was encoded.
/// </summary>
internal sealed class PollingRecipients : IAsyncDisposable
{
    private PollingRecipients(TestHost host, CountingParser parser, List<RawPollingClient> clients, List<Socket> sockets)
    {
        Host = host;
        Parser = parser;
        Clients = clients;
        Sockets = sockets;
    }

    public TestHost Host { get; }

    public SocketIoServer Io => Host.Services.GetRequiredSocketIo();

    public CountingParser Parser { get; }

    public List<RawPollingClient> Clients { get; }

    public List<Socket> Sockets { get; }

    public static async Task<PollingRecipients> StartAsync(int count)
    {
        var parser = new CountingParser(new JsonPacketParser());
        var connected = new Recorder<Socket>();
        var host = await SioTest.StartAsync(io => io.Of("/").OnConnection(connected.Add), o =>
        {
            o.Parser = parser;
            o.Path = EioTestUtil.Path;
        });
        var recipients = new PollingRecipients(host, parser, [], []);
        for (var i = 0; i < count; i++)
        {
            recipients.Clients.Add(await JoinAsync(host));
            recipients.Sockets.Add(await connected.NextAsync());
        }
        return recipients;
    }

    /// <summary>Opens a polling session and joins <c>/</c> (the CONNECT reply is read).</summary>
    public static async Task<RawPollingClient> JoinAsync(TestHost host)
    {
        var client = await RawPollingClient.ConnectAsync(host);
        await client.PostAsync("40");
        Assert.StartsWith("40{\"sid\":", Assert.Single(await client.PollAsync()), StringComparison.Ordinal);
        return client;
    }

    /// <summary>Every recipient has exactly <paramref name="encoded"/>'s frames queued: the same arrays, not copies.</summary>
    public void AssertEachQueued(EncodedPacket encoded)
    {
        foreach (var socket in Sockets)
        {
            var queued = new List<EngineFrame>();
            Assert.True(socket.Connection.TryDrainForPoll(queued));
            Assert.Equal(encoded.Frames.Count, queued.Count);
            for (var i = 0; i < queued.Count; i++)
            {
                Assert.Same(encoded.Frames[i].UnderlyingArray(), queued[i].UnderlyingArray());
                Assert.Equal(encoded.Frames[i].Bytes.Length, queued[i].Bytes.Length);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in Clients)
            client.Dispose();
        await Host.DisposeAsync();
    }
}
