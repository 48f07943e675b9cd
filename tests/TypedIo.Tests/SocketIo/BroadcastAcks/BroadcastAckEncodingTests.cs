using TypedIo.EngineIo;
using TypedIo.SocketIo;
using TypedIo.Tests.EngineIo;

namespace TypedIo.Tests.SocketIo.BroadcastAcks;

public sealed class BroadcastAckEncodingTests
{
    [Fact]
    public async Task A_broadcast_with_ack_is_encoded_once_with_one_id_and_the_same_bytes_are_queued_to_every_recipient()
    {
        var parser = new CountingParser(new JsonPacketParser());
        var sockets = new Recorder<Socket>();
        await using var host = await SioTest.StartAsync(io => io.Of("/").OnConnection(sockets.Add), o =>
        {
            o.Parser = parser;
            o.Path = EioTestUtil.Path;
        });
        var io = host.Services.GetRequiredSocketIo();
        var clients = new List<RawPollingClient>();
        var recipients = new List<Socket>();
        try
        {
            // Polling sessions with no request waiting keep what the server sends queued, where the test can see it.
            for (var i = 0; i < 3; i++)
            {
                var client = await RawPollingClient.ConnectAsync(host);
                clients.Add(client);
                await client.PostAsync("40");
                Assert.StartsWith("40{\"sid\":", Assert.Single(await client.PollAsync()), StringComparison.Ordinal);
                recipients.Add(await sockets.NextAsync());
            }
            var before = parser.EncodedEvents;

            var pending = io.Sockets.All.EmitWithAckAsync("news", [new byte[] { 1, 2, 3 }, "text"], TimeSpan.FromMinutes(1));

            Assert.Equal(before + 1, parser.EncodedEvents);
            var encoded = parser.Events.ToArray()[^1];
            Assert.Equal(2, encoded.Frames.Count);
            var header = encoded.Frames[0].ToString();
            Assert.Matches("""^451-\d+\["news",\{"_placeholder":true,"num":0\},"text"\]$""", header);
            var id = long.Parse(header[4..header.IndexOf('[', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture);
            foreach (var socket in recipients)
            {
                var queued = new List<EngineFrame>();
                Assert.True(socket.Connection.TryDrainForPoll(queued));
                Assert.Equal(2, queued.Count);
                Assert.Same(encoded.Frames[0].UnderlyingArray(), queued[0].UnderlyingArray());
                Assert.Same(encoded.Frames[1].UnderlyingArray(), queued[1].UnderlyingArray());
            }

            // Every recipient answers the one id.
            for (var i = 0; i < clients.Count; i++)
                await clients[i].PostAsync($"43{id}[{i}]");
            var result = await pending.Within();
            Assert.Equal([0, 1, 2], result.Responses.Select(r => r.Args[0].GetInt32()).Order());
            Assert.Empty(result.TimedOut);
        }
        finally
        {
            foreach (var client in clients)
                client.Dispose();
        }
    }
}
