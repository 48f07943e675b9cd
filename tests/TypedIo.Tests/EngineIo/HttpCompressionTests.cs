using System.IO.Compression;
using System.Net;
using System.Text;
using TypedIo.EngineIo;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Tests.EngineIo;

public sealed class HttpCompressionTests
{
    private static readonly string Large = new('x', 2000);

    [Theory]
    [InlineData("gzip", "gzip")]
    [InlineData("deflate", "deflate")]
    [InlineData("deflate, gzip;q=0.5", "gzip")]
    [InlineData("gzip;q=0, deflate", "deflate")]
    public async Task A_large_poll_response_is_compressed_with_an_accepted_encoding(string acceptEncoding, string expected)
    {
        var (host, handler) = await StartAsync();
        await using var _ = host;
        using var client = await RawPollingClient.ConnectAsync(host);
        var session = await handler.WaitConnectedAsync();
        session.Send(Large);

        using var response = await GetAsync(client, acceptEncoding);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, Assert.Single(response.Content.Headers.ContentEncoding));
        var compressed = await response.Content.ReadAsByteArrayAsync();
        Assert.True(compressed.Length < Large.Length / 4, $"compressed to {compressed.Length} bytes");
        Assert.Equal("4" + Large, Decompress(compressed, expected));
    }

    [Fact]
    public async Task A_poll_response_under_the_threshold_is_not_compressed()
    {
        var (host, handler) = await StartAsync();
        await using var _ = host;
        using var client = await RawPollingClient.ConnectAsync(host);
        var session = await handler.WaitConnectedAsync();
        session.Send("small");

        using var response = await GetAsync(client, "gzip");

        Assert.Empty(response.Content.Headers.ContentEncoding);
        Assert.Equal("4small", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Packets_sent_without_compression_are_not_compressed()
    {
        var (host, handler) = await StartAsync();
        await using var _ = host;
        using var client = await RawPollingClient.ConnectAsync(host);
        var session = await handler.WaitConnectedAsync();
        session.Send(EngineFrame.Message(Large).WithCompress(false));

        using var response = await GetAsync(client, "gzip");

        Assert.Empty(response.Content.Headers.ContentEncoding);
        Assert.Equal("4" + Large, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task No_compression_without_Accept_Encoding_or_when_turned_off()
    {
        var (host, handler) = await StartAsync(o => o.HttpCompressionThreshold = null);
        await using var _ = host;
        using var client = await RawPollingClient.ConnectAsync(host);
        var session = await handler.WaitConnectedAsync();
        session.Send(Large);

        using var response = await GetAsync(client, "gzip, deflate");

        Assert.Empty(response.Content.Headers.ContentEncoding);
        Assert.Equal("4" + Large, await response.Content.ReadAsStringAsync());

        var (host2, handler2) = await StartAsync();
        await using var __ = host2;
        using var client2 = await RawPollingClient.ConnectAsync(host2);
        (await handler2.WaitConnectedAsync()).Send(Large);
        using var response2 = await GetAsync(client2, acceptEncoding: null);
        Assert.Empty(response2.Content.Headers.ContentEncoding);
        Assert.Equal("4" + Large, await response2.Content.ReadAsStringAsync());
    }

    private static async Task<(TestHost Host, RecordingHandler Handler)> StartAsync(Action<EngineIoOptions>? configure = null)
    {
        var handler = new RecordingHandler(echo: false);
        return (await EioTestUtil.StartAsync(handler, configure), handler);
    }

    private static Task<HttpResponseMessage> GetAsync(RawPollingClient client, string? acceptEncoding)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, client.Uri);
        if (acceptEncoding is not null)
            request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        return client.Http.SendAsync(request).WithTimeout();
    }

    private static string Decompress(byte[] data, string encoding)
    {
        using var input = new MemoryStream(data);
        using Stream decompressor = encoding == "gzip" ? new GZipStream(input, CompressionMode.Decompress) : new ZLibStream(input, CompressionMode.Decompress);
        using var reader = new StreamReader(decompressor, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
