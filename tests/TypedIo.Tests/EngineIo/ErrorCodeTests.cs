using System.Net;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Tests.EngineIo;

public sealed class ErrorCodeTests
{
    private static async Task<HttpResponseMessage> SendAsync(TestHost host, HttpMethod method, string pathAndQuery, HttpContent? content = null)
    {
        using var http = EioTestUtil.NewHttpClient();
        using var request = new HttpRequestMessage(method, new Uri(host.BaseAddress, pathAndQuery)) { Content = content };
        var response = await http.SendAsync(request).WithTimeout();
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    [Fact]
    public async Task Code_0_transport_unknown()
    {
        await using var host = await EioTestUtil.StartAsync(new RecordingHandler());
        using var response = await SendAsync(host, HttpMethod.Get, "engine.io/?EIO=4&transport=carrier-pigeon");
        await EioTestUtil.AssertErrorAsync(response, 0, "Transport unknown");
        using var missing = await SendAsync(host, HttpMethod.Get, "engine.io/?EIO=4");
        await EioTestUtil.AssertErrorAsync(missing, 0, "Transport unknown");
    }

    [Fact]
    public async Task Code_1_session_id_unknown()
    {
        await using var host = await EioTestUtil.StartAsync(new RecordingHandler());
        using var get = await SendAsync(host, HttpMethod.Get, "engine.io/?EIO=4&transport=polling&sid=nope");
        await EioTestUtil.AssertErrorAsync(get, 1, "Session ID unknown");
        using var post = await SendAsync(host, HttpMethod.Post, "engine.io/?EIO=4&transport=polling&sid=nope", EioTestUtil.Text("4x"));
        await EioTestUtil.AssertErrorAsync(post, 1, "Session ID unknown");
    }

    [Fact]
    public async Task Code_2_bad_handshake_method()
    {
        var handler = new RecordingHandler();
        await using var host = await EioTestUtil.StartAsync(handler);
        using var response = await SendAsync(host, HttpMethod.Post, "engine.io/?EIO=4&transport=polling", EioTestUtil.Text("4x"));
        await EioTestUtil.AssertErrorAsync(response, 2, "Bad handshake method");
    }

    [Fact]
    public async Task Code_3_bad_request_for_websocket_transport_without_upgrade()
    {
        await using var host = await EioTestUtil.StartAsync(new RecordingHandler());
        using var response = await SendAsync(host, HttpMethod.Get, "engine.io/?EIO=4&transport=websocket");
        await EioTestUtil.AssertErrorAsync(response, 3, "Bad request");
    }

    [Fact]
    public async Task Code_3_bad_request_for_a_transport_mismatch_on_an_existing_session()
    {
        await using var host = await EioTestUtil.StartAsync(new RecordingHandler());
        using var client = await RawPollingClient.ConnectAsync(host);
        using var response = await SendAsync(host, HttpMethod.Get, $"engine.io/?EIO=4&transport=websocket&sid={client.Sid}");
        await EioTestUtil.AssertErrorAsync(response, 3, "Bad request");
    }

    [Fact]
    public async Task Code_4_forbidden_when_allow_request_refuses()
    {
        var handler = new RecordingHandler();
        await using var host = await EioTestUtil.StartAsync(handler, o => o.AllowRequest = _ => ValueTask.FromResult(false));
        using var response = await SendAsync(host, HttpMethod.Get, "engine.io/?EIO=4&transport=polling");
        await EioTestUtil.AssertErrorAsync(response, 4, "Forbidden", HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData("EIO=3&transport=polling")]
    [InlineData("transport=polling")]
    [InlineData("EIO=5&transport=polling")]
    [InlineData("EIO=four&transport=polling")]
    public async Task Code_5_unsupported_protocol_version(string query)
    {
        var handler = new RecordingHandler();
        await using var host = await EioTestUtil.StartAsync(handler);
        using var response = await SendAsync(host, HttpMethod.Get, "engine.io/?" + query);
        await EioTestUtil.AssertErrorAsync(response, 5, "Unsupported protocol version");
        Assert.Empty(handler.Sessions);
    }

    [Theory]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    [InlineData("PATCH")]
    [InlineData("OPTIONS")]
    public async Task Unknown_method_with_sid_is_a_bad_request_not_a_server_error(string method)
    {
        var handler = new RecordingHandler();
        await using var host = await EioTestUtil.StartAsync(handler);
        using var client = await RawPollingClient.ConnectAsync(host);
        var session = await handler.WaitConnectedAsync();

        using var response = await SendAsync(host, new HttpMethod(method), $"engine.io/?EIO=4&transport=polling&sid={client.Sid}", EioTestUtil.Text("4x"));

        await EioTestUtil.AssertErrorAsync(response, 3, "Bad request");
        Assert.True(session.IsOpen);
    }

    [Theory]
    [InlineData("GET", "engine.io/")]
    [InlineData("GET", "engine.io/?")]
    [InlineData("GET", "engine.io/?EIO=4&transport=polling&sid=")]
    [InlineData("GET", "engine.io/?EIO=4&transport=polling&sid=%00%01%02")]
    [InlineData("GET", "engine.io/?EIO=4&transport=polling&sid=../../etc/passwd")]
    [InlineData("GET", "engine.io/?EIO=4&transport=polling&transport=websocket")]
    [InlineData("GET", "engine.io/?EIO=4&EIO=4&transport=polling")]
    [InlineData("GET", "engine.io/?EIO=4&transport[]=polling")]
    [InlineData("GET", "engine.io/?EIO=%E2%82%AC&transport=%FF%FE")]
    [InlineData("GET", "engine.io/?EIO=4&transport=websocket&sid=xyz")]
    [InlineData("GET", "engine.io/?%%%%=%%%")]
    [InlineData("GET", "engine.io/?EIO=4&transport=polling&j=0&b64=1&t=abc")]
    [InlineData("POST", "engine.io/")]
    [InlineData("POST", "engine.io/?EIO=4&transport=polling")]
    [InlineData("POST", "engine.io/?EIO=4&transport=polling&sid=unknown")]
    [InlineData("PUT", "engine.io/?EIO=4&transport=polling")]
    [InlineData("DELETE", "engine.io/?EIO=4&transport=polling&sid=x")]
    [InlineData("HEAD", "engine.io/?EIO=4&transport=polling&sid=x")]
    [InlineData("OPTIONS", "engine.io/?EIO=4&transport=polling")]
    [InlineData("TRACE", "engine.io/?EIO=4&transport=polling")]
    public async Task Garbage_never_gets_a_server_error(string method, string pathAndQuery)
    {
        var handler = new RecordingHandler();
        await using var host = await EioTestUtil.StartAsync(handler);
        using var response = await SendAsync(host, new HttpMethod(method), pathAndQuery,
            method is "GET" or "HEAD" or "TRACE" ? null : new ByteArrayContent([0xff, 0x1e, 0x00]));

        Assert.True((int)response.StatusCode < 500, $"{method} {pathAndQuery} -> {(int)response.StatusCode}");
    }

    [Fact]
    public async Task Random_query_strings_never_get_a_server_error()
    {
        var handler = new RecordingHandler();
        await using var host = await EioTestUtil.StartAsync(handler);
        using var http = EioTestUtil.NewHttpClient();
        var random = new Random(1234);
        string[] keys = ["EIO", "transport", "sid", "t", "b64", "", "x"];
        string[] values = ["4", "3", "polling", "websocket", "", "%00", "%FF", "AAAAAAAAAAAAAAAAAAAA", "\u20ac", "a=b", "&&"];
        for (var i = 0; i < 60; i++)
        {
            var query = string.Join('&', Enumerable.Range(0, random.Next(0, 5))
                .Select(_ => Uri.EscapeDataString(keys[random.Next(keys.Length)]) + "=" + Uri.EscapeDataString(values[random.Next(values.Length)])));
            var method = random.Next(3) switch { 0 => HttpMethod.Get, 1 => HttpMethod.Post, _ => HttpMethod.Put };
            using var request = new HttpRequestMessage(method, new Uri(host.BaseAddress, "engine.io/?" + query));
            if (method != HttpMethod.Get)
                request.Content = EioTestUtil.Text("4garbage\u001e\u001e9");
            using var response = await http.SendAsync(request).WithTimeout();
            Assert.True((int)response.StatusCode < 500, $"{method} ?{query} -> {(int)response.StatusCode}");
        }
    }

    [Fact]
    public void Error_codes_match_node()
    {
        Assert.Equal(0, (int)TypedIo.EngineIo.EngineIoErrorCode.UnknownTransport);
        Assert.Equal(1, (int)TypedIo.EngineIo.EngineIoErrorCode.UnknownSid);
        Assert.Equal(2, (int)TypedIo.EngineIo.EngineIoErrorCode.BadHandshakeMethod);
        Assert.Equal(3, (int)TypedIo.EngineIo.EngineIoErrorCode.BadRequest);
        Assert.Equal(4, (int)TypedIo.EngineIo.EngineIoErrorCode.Forbidden);
        Assert.Equal(5, (int)TypedIo.EngineIo.EngineIoErrorCode.UnsupportedProtocolVersion);
    }
}
