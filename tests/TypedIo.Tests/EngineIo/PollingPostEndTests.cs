using System.Net;
using Microsoft.AspNetCore.Http;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Tests.EngineIo;

/// <summary>
/// A POST is over for the session once its answer goes out: a client that sends its next POST as soon as it has the
/// answer (engine.io-client does) is not taken for one that overlaps its POSTs, however late the first request's
/// handler gets to its end.
/// </summary>
public sealed class PollingPostEndTests
{
    [Fact]
    public async Task The_next_POST_sent_on_the_answer_of_the_last_is_accepted_while_the_last_one_has_not_finished()
    {
        var handler = new RecordingHandler(echo: false);
        var hold = new HeldAnswer(HttpMethods.Post);
        await using var host = await hold.StartHostAsync(handler);
        using var client = await RawPollingClient.ConnectAsync(host);
        await handler.WaitConnectedAsync();

        hold.Arm();
        var first = client.PostRawAsync("4one");
        await hold.Answered.WithTimeout();
        // Another connection, as the first one's handler has not finished: the client has its "ok" already.
        using var other = EioTestUtil.NewHttpClient();
        using (var second = await other.PostAsync(client.Uri, EioTestUtil.Text("4two")).WithTimeout())
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        hold.Release();
        using (var response = await first)
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        Assert.Equal("one", System.Text.Encoding.UTF8.GetString((await handler.WaitMessageAsync()).Data));
        Assert.Equal("two", System.Text.Encoding.UTF8.GetString((await handler.WaitMessageAsync()).Data));
    }
}
