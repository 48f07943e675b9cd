using TypedIo.SocketIo;

namespace TypedIo.Tests.SocketIo;

/// <summary>
/// Malformed or out-of-state input closes the connection that sent it, and only that one: another client keeps
/// exchanging events throughout.
/// </summary>
public sealed class MalformedInputTests
{
    private static readonly string DeepNesting = new string('[', 5000) + new string(']', 5000);

    public static TheoryData<string, string[]> ParseErrors => new()
    {
        { "invalid packet type", ["47[\"x\"]"] },
        { "packet type out of range", ["4a"] },
        { "empty socket.io packet", ["4"] },
        { "event payload is an object", ["42{}"] },
        { "event payload is a string", ["42\"x\""] },
        { "event without payload", ["42"] },
        { "event with an empty array", ["42[]"] },
        { "event name is not a string", ["42[1,2]"] },
        { "bad ack id", ["42abc[\"x\"]"] },
        { "ack id with a fraction", ["421.5[\"x\"]"] },
        { "ack id beyond javascript's safe integers", ["429007199254740992[\"x\"]"] },
        { "invalid json", ["42[\"x\""] },
        { "ack without array", ["430{}"] },
        { "disconnect with a payload", ["41[\"x\"]"] },
        { "connect payload is an array", ["40/other,[1]"] },
        { "too many attachments", ["4511-[\"x\",{\"_placeholder\":true,\"num\":0}]"] },
        { "attachment count without dash", ["451[\"x\",{\"_placeholder\":true,\"num\":0}]"] },
        { "placeholder beyond the attachment count", ["451-[\"x\",{\"_placeholder\":true,\"num\":1}]"] },
        { "text frame while attachments are expected", ["451-[\"x\",{\"_placeholder\":true,\"num\":0}]", "42[\"y\"]"] },
        { "deep nesting", [$"42[\"x\",{DeepNesting}]"] },
        { "reserved event name disconnect", ["42[\"disconnect\"]"] },
        { "reserved event name connect", ["42[\"connect\",{}]"] },
        { "reserved event name in a binary event", ["451-[\"newListener\",{\"_placeholder\":true,\"num\":0}]"] },
    };

    [Theory]
    [MemberData(nameof(ParseErrors))]
    public async Task Malformed_input_closes_only_that_connection_with_parse_error(string what, string[] frames)
    {
        var sockets = new Recorder<Socket>();
        await using var host = await SioTest.StartEchoAsync(sockets);
        var (bystander, _) = await SioClient.ConnectAndJoinAsync(host);
        var (offender, _) = await SioClient.ConnectAndJoinAsync(host);
        using (bystander)
        using (offender)
        {
            var bystanderSocket = await sockets.NextAsync();
            var offenderSocket = await sockets.NextAsync();
            var reason = offenderSocket.DisconnectedReason();
            await bystander.AssertEchoAsync();

            foreach (var frame in frames)
                await offender.SendAsync(frame);

            Assert.Equal("parse error", await reason.Within());
            Assert.Empty(await offender.ReceiveUntilCloseAsync());
            Assert.False(offenderSocket.Connection.IsOpen);
            Assert.True(bystanderSocket.Connected, what);
            await bystander.AssertEchoAsync("2");
        }
    }

    [Fact]
    public async Task A_binary_frame_without_a_binary_packet_is_a_parse_error()
    {
        var sockets = new Recorder<Socket>();
        await using var host = await SioTest.StartEchoAsync(sockets);
        var (client, _) = await SioClient.ConnectAndJoinAsync(host);
        using (client)
        {
            var reason = (await sockets.NextAsync()).DisconnectedReason();

            await client.SendBinaryAsync([1, 2, 3]);

            Assert.Equal("parse error", await reason.Within());
            await client.ReceiveUntilCloseAsync();
        }
    }

    [Fact]
    public async Task Malformed_input_before_joining_any_namespace_closes_the_connection()
    {
        await using var host = await SioTest.StartEchoAsync(new Recorder<Socket>());
        using var client = await SioClient.ConnectAsync(host);
        var (bystander, _) = await SioClient.ConnectAndJoinAsync(host);
        using (bystander)
        {
            await client.SendAsync("42{}");

            Assert.Empty(await client.ReceiveUntilCloseAsync());
            await bystander.AssertEchoAsync();
        }
    }

    public static TheoryData<string, string> OutOfState => new()
    {
        { "event for a namespace not joined", "42/other,[\"x\"]" },
        { "ack for a namespace not joined", "43/other,0[1]" },
        { "disconnect of a namespace not joined", "41/other," },
        { "second connect to a joined namespace", "40" },
        { "connect error sent by the client", "44{\"message\":\"x\"}" },
    };

    [Theory]
    [MemberData(nameof(OutOfState))]
    public async Task A_packet_the_connection_state_does_not_allow_closes_only_that_connection(string what, string packet)
    {
        var sockets = new Recorder<Socket>();
        await using var host = await SioTest.StartEchoAsync(sockets, io => io.Of("/other"));
        var (bystander, _) = await SioClient.ConnectAndJoinAsync(host);
        var (offender, _) = await SioClient.ConnectAndJoinAsync(host);
        using (bystander)
        using (offender)
        {
            var bystanderSocket = await sockets.NextAsync();
            var offenderSocket = await sockets.NextAsync();
            var reason = offenderSocket.DisconnectedReason();

            await offender.SendAsync(packet);

            Assert.Equal("forced close", await reason.Within());
            Assert.Empty(await offender.ReceiveUntilCloseAsync());
            Assert.True(bystanderSocket.Connected, what);
            await bystander.AssertEchoAsync();
        }
    }

    [Fact]
    public async Task An_event_before_any_connect_closes_the_connection()
    {
        await using var host = await SioTest.StartEchoAsync(new Recorder<Socket>());
        using var client = await SioClient.ConnectAsync(host);

        await client.SendAsync("""42["echo",1]""");

        Assert.Empty(await client.ReceiveUntilCloseAsync());
    }

    [Fact]
    public async Task An_event_for_a_namespace_refused_by_middleware_closes_the_connection()
    {
        await using var host = await SioTest.StartEchoAsync(new Recorder<Socket>(), io => io.Of("/guarded").Use((_, _) => throw new SocketConnectException("no")));
        var (client, _) = await SioClient.ConnectAndJoinAsync(host);
        using (client)
        {
            await client.SendAsync("40/guarded,");
            Assert.Equal("""44/guarded,{"message":"no"}""", await client.ReceiveAsync());

            await client.SendAsync("""42/guarded,["x"]""");

            Assert.Empty(await client.ReceiveUntilCloseAsync());
        }
    }
}
