using System.Net;
using TypedIo.EngineIo;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Tests.EngineIo;

public sealed class PollingTests
{
    [Fact]
    public async Task Get_drains_every_queued_packet_in_one_payload()
    {
        var handler = new RecordingHandler();
        await using var host = await EioTestUtil.StartAsync(handler);
        using var client = await RawPollingClient.ConnectAsync(host);
        var session = await handler.WaitConnectedAsync();

        Assert.True(session.Send("one"));
        Assert.True(session.Send("two"));
        Assert.True(session.Send(EngineFrame.Message("three")));

        using var response = await client.StartGetAsync().WithTimeout();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; charset=UTF-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal("4one\u001e4two\u001e4three", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Pending_get_is_answered_when_a_packet_is_sent()
    {
        var handler = new RecordingHandler();
        await using var host = await EioTestUtil.StartAsync(handler);
        using var client = await RawPollingClient.ConnectAsync(host);
        var session = await handler.WaitConnectedAsync();

        var poll = client.PollAsync();
        Assert.False(poll.IsCompleted);
        session.Send("late");

        Assert.Equal(["4late"], await poll);
    }

    [Fact]
    public async Task Post_with_several_packets_answers_ok_and_delivers_them_in_order()
    {
        var handler = new RecordingHandler(echo: false);
        await using var host = await EioTestUtil.StartAsync(handler);
        using var client = await RawPollingClient.ConnectAsync(host);

        using var response = await client.PostRawAsync("4first\u001e4second\u001e4€third");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
        foreach (var expected in new[] { "first", "second", "€third" })
        {
            var (isBinary, data) = await handler.WaitMessageAsync();
            Assert.False(isBinary);
            Assert.Equal(expected, System.Text.Encoding.UTF8.GetString(data));
        }
    }

    [Fact]
    public async Task Binary_travels_both_ways_as_b_plus_base64()
    {
        var handler = new RecordingHandler(); // echoes
        await using var host = await EioTestUtil.StartAsync(handler);
        using var client = await RawPollingClient.ConnectAsync(host);

        await client.PostAsync("bAAECAwT/", "4text");

        var (isBinary, data) = await handler.WaitMessageAsync();
        Assert.True(isBinary);
        Assert.Equal(new byte[] { 0, 1, 2, 3, 4, 255 }, data);
        var packets = await client.PollUntilAsync(p => p == "4text");
        Assert.Equal(["bAAECAwT/", "4text"], packets);
    }

    [Fact]
    public async Task Second_concurrent_get_closes_the_session()
    {
        var handler = new RecordingHandler();
        await using var host = await EioTestUtil.StartAsync(handler);
        using var client = await RawPollingClient.ConnectAsync(host);
        var session = await handler.WaitConnectedAsync();

        var first = client.PollAsync();
        // The first GET must be pending on the server before the second one arrives: wait until the server sees it
        // as writable (a volatile send succeeds only with a waiting poll) - without sending anything.
        await WaitForPendingPollAsync(session);

        using var second = await client.StartGetAsync().WithTimeout();

        await EioTestUtil.AssertErrorAsync(second, 3, "Bad request");
        Assert.Equal(["1"], await first.WithTimeout());
        Assert.Equal(EngineIoCloseReasons.TransportError, await handler.WaitClosedAsync(session.Id));
        Assert.False(session.IsOpen);
    }

    [Fact]
    public async Task Aborting_a_pending_get_closes_the_session_with_transport_error()
    {
        var handler = new RecordingHandler();
        await using var host = await EioTestUtil.StartAsync(handler);
        using var client = await RawPollingClient.ConnectAsync(host);
        var session = await handler.WaitConnectedAsync();

        using var abort = new CancellationTokenSource();
        var pending = client.StartGetAsync(abort.Token);
        await WaitForPendingPollAsync(session);
        abort.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);

        Assert.Equal(EngineIoCloseReasons.TransportError, await handler.WaitClosedAsync(session.Id));
        using var after = await client.StartGetAsync().WithTimeout();
        await EioTestUtil.AssertErrorAsync(after, 1, "Session ID unknown");
    }

    [Fact]
    public async Task Client_close_packet_answers_the_pending_get_with_noop()
    {
        var handler = new RecordingHandler();
        await using var host = await EioTestUtil.StartAsync(handler);
        using var client = await RawPollingClient.ConnectAsync(host);
        var session = await handler.WaitConnectedAsync();

        var pending = client.PollAsync();
        await WaitForPendingPollAsync(session);
        using var post = await client.PostRawAsync("1");

        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.Equal(["6"], await pending.WithTimeout());
        Assert.Equal(EngineIoCloseReasons.TransportClose, await handler.WaitClosedAsync(session.Id));
    }

    [Fact]
    public async Task A_poll_handled_after_the_client_s_close_post_gets_the_noop_once_and_the_next_request_unknown_sid()
    {
        // socket.io-client's poll and its close POST travel on two connections; here the POST is handled first, as
        // Kestrel may do when the two arrive together (the official suite's "forcefully closes the session").
        var handler = new RecordingHandler();
        await using var host = await EioTestUtil.StartAsync(handler);
        using var client = await RawPollingClient.ConnectAsync(host);
        var session = await handler.WaitConnectedAsync();

        using (var post = await client.PostRawAsync("1"))
            Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.Equal(EngineIoCloseReasons.TransportClose, await handler.WaitClosedAsync(session.Id));

        Assert.Equal(["6"], await client.PollAsync());
        using var after = await client.StartGetAsync().WithTimeout();
        await EioTestUtil.AssertErrorAsync(after, 1, "Session ID unknown");
    }

    [Fact]
    public async Task A_session_closed_by_a_parse_error_leaves_no_late_poll_noop()
    {
        var handler = new RecordingHandler();
        await using var host = await EioTestUtil.StartAsync(handler);
        using var client = await RawPollingClient.ConnectAsync(host);
        var session = await handler.WaitConnectedAsync();

        // A parse error closes the session, not its client: the next poll gets 400 as before.
        using (await client.PostRawAsync("x"))
        {
        }
        Assert.Equal(EngineIoCloseReasons.ParseError, await handler.WaitClosedAsync(session.Id));
        using var after = await client.StartGetAsync().WithTimeout();
        await EioTestUtil.AssertErrorAsync(after, 1, "Session ID unknown");
    }

    [Fact]
    public async Task Server_close_delivers_queued_packets_then_close_packet_on_next_poll()
    {
        var handler = new RecordingHandler();
        await using var host = await EioTestUtil.StartAsync(handler);
        using var client = await RawPollingClient.ConnectAsync(host);
        var session = await handler.WaitConnectedAsync();

        session.Send("a");
        session.Send("b");
        session.Close();
        Assert.False(session.IsOpen);
        Assert.False(session.Send("dropped"));

        Assert.Equal(["4a", "4b", "1"], await client.PollAsync());
        Assert.Equal(EngineIoCloseReasons.ForcedClose, await handler.WaitClosedAsync(session.Id));
        Assert.Equal(EngineIoCloseReasons.ForcedClose, session.CloseReason);
        Assert.True(session.Closed.IsCancellationRequested);
    }

    [Fact]
    public async Task Server_close_answers_a_pending_get_with_close_packet()
    {
        var handler = new RecordingHandler();
        await using var host = await EioTestUtil.StartAsync(handler);
        using var client = await RawPollingClient.ConnectAsync(host);
        var session = await handler.WaitConnectedAsync();

        var pending = client.PollAsync();
        await WaitForPendingPollAsync(session);
        session.Close();

        Assert.Equal(["1"], await pending.WithTimeout());
        Assert.Equal(EngineIoCloseReasons.ForcedClose, await handler.WaitClosedAsync(session.Id));
    }

    [Fact]
    public async Task Server_close_gives_up_on_a_client_that_never_polls_after_close_timeout()
    {
        var handler = new RecordingHandler();
        await using var host = await EioTestUtil.StartAsync(handler, o =>
        {
            o.CloseTimeout = TimeSpan.FromMilliseconds(200);
            o.PingInterval = TimeSpan.FromMilliseconds(1000);
        });
        using var client = await RawPollingClient.ConnectAsync(host);
        var session = await handler.WaitConnectedAsync();

        session.Send("never read");
        session.Close();

        Assert.Equal(EngineIoCloseReasons.ForcedClose, await handler.WaitClosedAsync(session.Id, TimeSpan.FromSeconds(3)));
        using var after = await client.StartGetAsync().WithTimeout();
        await EioTestUtil.AssertErrorAsync(after, 1, "Session ID unknown");
    }

    [Fact]
    public async Task Messages_are_echoed_over_polling_in_order()
    {
        var handler = new RecordingHandler();
        await using var host = await EioTestUtil.StartAsync(handler);
        using var client = await RawPollingClient.ConnectAsync(host);

        var sent = Enumerable.Range(0, 50).Select(i => "4m" + i).ToArray();
        for (var i = 0; i < sent.Length; i += 10)
            await client.PostAsync(sent[i..(i + 10)]);

        var received = await client.PollUntilAsync(p => p == "4m49");
        Assert.Equal(sent, received);
    }

    /// <summary>Waits until the server holds a GET of <paramref name="session"/> open.</summary>
    internal static Task WaitForPendingPollAsync(EngineIoSession session) =>
        EioTestUtil.WaitUntilAsync(() => session.IsWritable, "a pending poll");
}
