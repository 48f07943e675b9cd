using System.Net;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Http;
using TypedIo.EngineIo;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Tests.EngineIo;

public sealed class LimitsTests
{
    private const int Limit = 100;

    /// <summary>A body of unknown length: HttpClient sends it with chunked transfer encoding.</summary>
    private sealed class ChunkedContent(byte[] body, int chunkSize) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            for (var offset = 0; offset < body.Length; offset += chunkSize)
            {
                await stream.WriteAsync(body.AsMemory(offset, Math.Min(chunkSize, body.Length - offset)));
                await stream.FlushAsync();
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    private static Task<TestHost> StartAsync(RecordingHandler handler) =>
        EioTestUtil.StartAsync(handler, o => o.MaxHttpBufferSize = Limit);

    private static string MessageOfLength(int totalLength) => "4" + new string('a', totalLength - 1);

    /// <summary>Proves nothing of an earlier refused body reached the handler: the next message is the first it sees.</summary>
    private static async Task AssertNextMessageIsAsync(RecordingHandler handler, RawPollingClient client, string text)
    {
        using var http = EioTestUtil.NewHttpClient();
        using var response = await http.PostAsync(client.Uri, EioTestUtil.Text("4" + text)).WithTimeout();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (_, data) = await handler.WaitMessageAsync();
        Assert.Equal(text, Encoding.UTF8.GetString(data));
    }

    [Fact]
    public async Task Oversize_post_with_content_length_gets_413_and_never_reaches_the_handler()
    {
        var handler = new RecordingHandler(echo: false);
        await using var host = await StartAsync(handler);
        using var client = await RawPollingClient.ConnectAsync(host);

        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(MessageOfLength(Limit + 1)));
        content.Headers.ContentType = new("text/plain") { CharSet = "UTF-8" };
        using var response = await client.Http.PostAsync(client.Uri, content).WithTimeout();

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await AssertNextMessageIsAsync(handler, client, "after");
    }

    [Theory]
    [InlineData(Limit + 1, 1000)]
    [InlineData(Limit * 3, 40)]
    public async Task Oversize_chunked_post_gets_413_and_never_reaches_the_handler(int size, int chunkSize)
    {
        var handler = new RecordingHandler(echo: false);
        var transferEncodings = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await using var host = await EioTestUtil.StartAsync(handler, o =>
        {
            o.MaxHttpBufferSize = Limit;
            o.OnHeaders = context =>
            {
                if (HttpMethods.IsPost(context.Request.Method))
                    transferEncodings.Enqueue(context.Request.Headers.TransferEncoding.ToString() + "/" + context.Request.ContentLength);
            };
        });
        using var client = await RawPollingClient.ConnectAsync(host);

        using var content = new ChunkedContent(Encoding.UTF8.GetBytes(MessageOfLength(size)), chunkSize);
        using var response = await client.Http.PostAsync(client.Uri, content).WithTimeout();

        Assert.Equal("chunked/", Assert.Single(transferEncodings));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await AssertNextMessageIsAsync(handler, client, "after");
    }

    [Fact]
    public async Task Post_exactly_at_the_limit_is_accepted()
    {
        var handler = new RecordingHandler(echo: false);
        await using var host = await StartAsync(handler);
        using var client = await RawPollingClient.ConnectAsync(host);

        await client.PostAsync(MessageOfLength(Limit));
        var (_, data) = await handler.WaitMessageAsync();
        Assert.Equal(Limit - 1, data.Length);

        using var content = new ChunkedContent(Encoding.UTF8.GetBytes(MessageOfLength(Limit)), 30);
        using var chunked = await client.Http.PostAsync(client.Uri, content).WithTimeout();
        Assert.Equal(HttpStatusCode.OK, chunked.StatusCode);
        (_, data) = await handler.WaitMessageAsync();
        Assert.Equal(Limit - 1, data.Length);
    }

    [Fact]
    public async Task Limit_counts_the_whole_post_body_not_each_packet()
    {
        var handler = new RecordingHandler(echo: false);
        await using var host = await StartAsync(handler);
        using var client = await RawPollingClient.ConnectAsync(host);

        // Two packets of 60 bytes each: each fits, together they do not.
        using var response = await client.PostRawAsync(MessageOfLength(60) + "\u001e" + MessageOfLength(60));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await AssertNextMessageIsAsync(handler, client, "after");
    }

    [Fact]
    public async Task Oversize_websocket_message_closes_the_connection_with_transport_error()
    {
        var handler = new RecordingHandler(echo: false);
        await using var host = await StartAsync(handler);
        var (client, open) = await RawWebSocketClient.HandshakeAsync(host);
        using var _1 = client;
        var sid = open.GetProperty("sid").GetString()!;

        await client.SendTextAsync(MessageOfLength(Limit + 1));

        Assert.True((await client.ReceiveAsync()).IsClose);
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, client.Socket.CloseStatus);
        Assert.Equal(EngineIoCloseReasons.TransportError, await handler.WaitClosedAsync(sid));
    }

    [Fact]
    public async Task Oversize_binary_websocket_message_sent_in_fragments_closes_the_connection()
    {
        var handler = new RecordingHandler(echo: false);
        await using var host = await StartAsync(handler);
        var (client, open) = await RawWebSocketClient.HandshakeAsync(host);
        using var _1 = client;
        var sid = open.GetProperty("sid").GetString()!;

        for (var i = 0; i < 3; i++)
            await client.Socket.SendAsync(new byte[60], WebSocketMessageType.Binary, endOfMessage: i == 2, CancellationToken.None);

        Assert.True((await client.ReceiveAsync()).IsClose);
        Assert.Equal(EngineIoCloseReasons.TransportError, await handler.WaitClosedAsync(sid));
    }

    [Fact]
    public async Task Websocket_message_exactly_at_the_limit_is_accepted()
    {
        var handler = new RecordingHandler(); // echoes
        await using var host = await StartAsync(handler);
        var (client, _) = await RawWebSocketClient.HandshakeAsync(host);
        using var _1 = client;

        await client.SendTextAsync(MessageOfLength(Limit));
        Assert.Equal(MessageOfLength(Limit), await client.ReceiveTextAsync());

        await client.SendBinaryAsync(new byte[Limit]);
        var echo = await client.ReceiveAsync();
        Assert.Equal(WebSocketMessageType.Binary, echo.Type);
        Assert.Equal(Limit, echo.Data.Length);
    }

    [Fact]
    public async Task Full_send_queue_of_a_client_that_never_polls_closes_the_session()
    {
        var handler = new RecordingHandler();
        await using var host = await EioTestUtil.StartAsync(handler, o => o.MaxQueuedPackets = 5);
        using var client = await RawPollingClient.ConnectAsync(host);
        var session = await handler.WaitConnectedAsync();

        for (var i = 0; i < 5; i++)
            Assert.True(session.Send("m" + i));
        Assert.False(session.Send("one too many"));

        Assert.Equal(EngineIoCloseReasons.TransportError, await handler.WaitClosedAsync(session.Id));
        Assert.False(session.IsOpen);
        Assert.False(session.Send("after close"));
    }

    [Fact]
    public async Task Multi_frame_send_over_the_queue_limit_queues_nothing_and_closes_the_session()
    {
        var handler = new RecordingHandler();
        await using var host = await EioTestUtil.StartAsync(handler, o => o.MaxQueuedPackets = 5);
        using var client = await RawPollingClient.ConnectAsync(host);
        var session = await handler.WaitConnectedAsync();

        Assert.True(session.Send([EngineFrame.Message("a"), EngineFrame.Message("b"), EngineFrame.Message("c")]));
        Assert.False(session.Send([EngineFrame.Message("d"), EngineFrame.Message("e"), EngineFrame.Message("f")]));

        Assert.Equal(EngineIoCloseReasons.TransportError, await handler.WaitClosedAsync(session.Id));
    }

    [Fact]
    public async Task Queue_limit_is_not_reached_by_a_client_that_keeps_polling()
    {
        var handler = new RecordingHandler();
        await using var host = await EioTestUtil.StartAsync(handler, o => o.MaxQueuedPackets = 5);
        using var client = await RawPollingClient.ConnectAsync(host);
        var session = await handler.WaitConnectedAsync();

        for (var round = 0; round < 4; round++)
        {
            for (var i = 0; i < 5; i++)
                Assert.True(session.Send($"r{round}m{i}"));
            Assert.Equal(Enumerable.Range(0, 5).Select(i => $"4r{round}m{i}"), await client.PollAsync());
        }
        Assert.True(session.IsOpen);
    }
}
