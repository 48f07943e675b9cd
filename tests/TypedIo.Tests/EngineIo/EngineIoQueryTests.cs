using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using TypedIo.EngineIo;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Tests.EngineIo;

/// <summary>
/// The server reads <c>transport</c>, <c>sid</c> and <c>EIO</c> from the query string itself, as ASP.NET Core's
/// <c>Request.Query</c> reads them, without making the request's parsed query, which a WebSocket request would keep
/// for the connection's whole life.
/// </summary>
public sealed class EngineIoQueryTests
{
    public static TheoryData<string?> QueryStrings => new()
    {
        null,
        "",
        "?",
        "?EIO=4&transport=websocket",
        "?EIO=4&transport=polling&t=PxYz1&sid=AbCdEfGhIjKlMnOpQrSt",
        "?eio=4&TRANSPORT=polling&SID=abc",
        "?EIO=3&transport=polling",
        "?EIO=4&EIO=4&transport=polling",
        "?EIO=&transport=polling",
        "?EIO&transport",
        "?transport=web%73ocket&EIO=%34",
        "?transport=polling&transport=websocket",
        "?transport=&transport=polling&sid=&sid=x",
        "?sid=a+b%2Bc&transport=x%20y",
        "?%74ransport=polling&EIO=4",
        "?transport=polling&&&EIO=4&=x",
    };

    [Theory]
    [MemberData(nameof(QueryStrings))]
    public void Reads_the_parameters_as_the_request_query_does(string? queryString)
    {
        var query = new QueryCollection(QueryHelpers.ParseNullableQuery(queryString) ?? []);

        var parsed = EngineIoQuery.Parse(queryString);

        Assert.Equal(query["transport"].ToString(), parsed.Transport);
        Assert.Equal(query["sid"].ToString(), parsed.Sid);
        Assert.Equal(query["EIO"] == "4", parsed.IsVersion4);
    }

    [Fact]
    public void A_handshake_query_allocates_nothing()
    {
        const string QueryString = "?EIO=4&transport=websocket";
        _ = EngineIoQuery.Parse(QueryString);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var parsed = EngineIoQuery.Parse(QueryString);
        var bytes = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(EngineIoTransports.WebSocket, parsed.Transport);
        Assert.True(parsed.IsVersion4);
        Assert.Equal(0, bytes);
    }

    [Fact]
    public async Task A_websocket_request_keeps_no_parsed_query_and_the_handshake_still_has_it()
    {
        var handler = new RecordingHandler();
        var requests = new System.Collections.Concurrent.ConcurrentQueue<HttpContext>();
        await using var host = await TestHost.StartAsync(
            app => app.MapEngineIo(EioTestUtil.Path, handler),
            middleware: app => app.Use((context, next) =>
            {
                requests.Enqueue(context);
                return next(context);
            }));
        var uri = new Uri(EioTestUtil.WebSocketUri(host) + "&room=blue&n=7");
        using var client = await RawWebSocketClient.ConnectAsync(uri);
        EioTestUtil.ParseOpen((await client.ReceiveAsync()).Text);
        var session = await handler.WaitConnectedAsync();

        var request = Assert.Single(requests);
        // Before, the request's parsed query (its feature, a collection, a dictionary and the decoded strings, ~0.4 KB)
        // was made for every connection and kept by the request as long as the WebSocket lasted.
        Assert.Null(request.Features.Get<IQueryFeature>());
        Assert.False(session.Handshake.HasParsedQuery);

        Assert.Equal("blue", session.Handshake.Query["room"].ToString());
        Assert.Equal("websocket", session.Handshake.Query["transport"].ToString());
        Assert.Equal("4", session.Handshake.Query["eio"].ToString());
        Assert.Same(session.Handshake.Query, session.Handshake.Query);
    }
}
