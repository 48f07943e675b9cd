namespace TypedIo.Tests.SocketIo.BroadcastAcks;

public sealed class BroadcastAckEncodingTests
{
    [Fact]
    public async Task A_broadcast_with_ack_is_encoded_once_with_one_id_and_the_same_bytes_are_queued_to_every_recipient()
    {
        await using var recipients = await PollingRecipients.StartAsync(3);
        var before = recipients.Parser.EncodedEvents;

        var pending = recipients.Io.Sockets.All.EmitWithAckAsync("news", [new byte[] { 1, 2, 3 }, "text"], TimeSpan.FromMinutes(1));

        Assert.Equal(before + 1, recipients.Parser.EncodedEvents);
        var encoded = recipients.Parser.Events.ToArray()[^1];
        Assert.Equal(2, encoded.Frames.Count);
        var header = encoded.Frames[0].ToString();
        Assert.Matches("""^451-\d+\["news",\{"_placeholder":true,"num":0\},"text"\]$""", header);
        var id = long.Parse(header[4..header.IndexOf('[', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture);
        recipients.AssertEachQueued(encoded);

        // Every recipient answers the one id.
        for (var i = 0; i < recipients.Clients.Count; i++)
            await recipients.Clients[i].PostAsync($"43{id}[{i}]");
        var result = await pending.Within();
        Assert.Equal([0, 1, 2], result.Responses.Select(r => r.Args[0].GetInt32()).Order());
        Assert.Empty(result.TimedOut);
    }
}
