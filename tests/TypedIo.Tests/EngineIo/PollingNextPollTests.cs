using System.Net;
using Microsoft.AspNetCore.Http;
using TypedIo.EngineIo;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Tests.EngineIo;

/// <summary>
/// A poll is over for the session once it has taken its packets: a client that sends its next poll as soon as it has
/// the answer (engine.io-client does), maybe on another connection that Kestrel serves on another thread, is not taken
/// for one that overlaps its polls, however late the first poll's handler gets to its end. (Seen on a loaded machine
/// in the inline scheduling interop tests: "made a second poll while one was pending", and the session closed.) A
/// second poll while one waits still closes the session (<c>PollingTests.Second_concurrent_get_closes_the_session</c>).
/// </summary>
public sealed class PollingNextPollTests
{
    [Fact]
    public async Task The_next_poll_sent_on_the_answer_of_the_last_is_served_while_the_last_one_has_not_finished()
    {
        var handler = new RecordingHandler();
        var hold = new HeldAnswer(HttpMethods.Get);
        await using var host = await hold.StartHostAsync(handler);
        using var client = await RawPollingClient.ConnectAsync(host);
        var session = await handler.WaitConnectedAsync();

        hold.Arm();
        session.Send("a");
        var first = client.StartGetAsync();
        try
        {
            await hold.Answered.WithTimeout();
            await AssertNextPollServedAsync(client.Uri, session);
        }
        finally
        {
            hold.Release();
        }
        using (var response = await first.WithTimeout())
            Assert.Equal(["4a"], await RawPollingClient.ReadPacketsAsync(response));
        Assert.True(session.IsOpen);
    }

    [Fact]
    public async Task The_first_poll_sent_on_the_handshake_s_answer_is_served_while_the_handshake_has_not_finished()
    {
        var handler = new RecordingHandler();
        var hold = new HeldAnswer(HttpMethods.Get);
        await using var host = await hold.StartHostAsync(handler);

        hold.Arm();
        using var http = EioTestUtil.NewHttpClient();
        var handshake = http.GetAsync(EioTestUtil.PollingUri(host), HttpCompletionOption.ResponseHeadersRead);
        try
        {
            await hold.Answered.WithTimeout();
            var session = await handler.WaitConnectedAsync();
            await AssertNextPollServedAsync(EioTestUtil.PollingUri(host, session.Id), session);
        }
        finally
        {
            hold.Release();
        }
        using var response = await handshake.WithTimeout();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>A poll on a connection of its own (the first one's handler has not finished) gets what is sent next.</summary>
    private static async Task AssertNextPollServedAsync(Uri uri, EngineIoSession session)
    {
        using var other = EioTestUtil.NewHttpClient();
        var next = other.SendAsync(new HttpRequestMessage(HttpMethod.Get, uri), HttpCompletionOption.ResponseHeadersRead);
        session.Send("b");
        using var second = await next.WithTimeout();
        Assert.Equal(["4b"], await RawPollingClient.ReadPacketsAsync(second));
    }
}
