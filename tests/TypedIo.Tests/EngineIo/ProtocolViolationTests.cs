using System.Net;
using System.Text;
using TypedIo.EngineIo;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Tests.EngineIo;

public sealed class ProtocolViolationTests
{
    /// <summary>Asserts that a second session of the same server still echoes over polling.</summary>
    private static async Task AssertOtherSessionWorksAsync(RawPollingClient other, RecordingHandler handler)
    {
        await other.PostAsync("4still fine");
        var packets = await other.PollUntilAsync(p => p == "4still fine");
        Assert.Equal("4still fine", packets[^1]);
        Assert.True(handler.Sessions[other.Sid].IsOpen);
    }

    [Theory]
    [InlineData("x")]
    [InlineData("7")]
    [InlineData("")]
    [InlineData("b!!!")]
    public async Task Malformed_polling_packet_closes_with_parse_error_and_spares_other_sessions(string payload)
    {
        var handler = new RecordingHandler();
        await using var host = await EioTestUtil.StartAsync(handler);
        using var victim = await RawPollingClient.ConnectAsync(host);
        using var other = await RawPollingClient.ConnectAsync(host);

        using var response = await victim.PostRawAsync(payload);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(EngineIoCloseReasons.ParseError, await handler.WaitClosedAsync(victim.Sid));
        await AssertOtherSessionWorksAsync(other, handler);
    }

    [Fact]
    public async Task Packets_before_a_malformed_one_in_the_same_payload_are_delivered()
    {
        var handler = new RecordingHandler(echo: false);
        await using var host = await EioTestUtil.StartAsync(handler);
        using var client = await RawPollingClient.ConnectAsync(host);

        using var response = await client.PostRawAsync("4good\u001e\u001e4never");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("good", Encoding.UTF8.GetString((await handler.WaitMessageAsync()).Data));
        Assert.Equal(EngineIoCloseReasons.ParseError, await handler.WaitClosedAsync(client.Sid));
    }

    [Fact]
    public async Task Invalid_utf8_polling_body_is_a_parse_error()
    {
        var handler = new RecordingHandler();
        await using var host = await EioTestUtil.StartAsync(handler);
        using var client = await RawPollingClient.ConnectAsync(host);

        using var content = new ByteArrayContent([(byte)'4', 0xC3, 0x28]);
        content.Headers.ContentType = new("text/plain");
        using var response = await client.Http.PostAsync(client.Uri, content).WithTimeout();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(EngineIoCloseReasons.ParseError, await handler.WaitClosedAsync(client.Sid));
    }

    [Theory]
    [InlineData("x")]
    [InlineData("")]
    [InlineData("b%%%")]
    public async Task Malformed_websocket_packet_closes_with_parse_error_and_spares_other_sessions(string packet)
    {
        var handler = new RecordingHandler();
        await using var host = await EioTestUtil.StartAsync(handler);
        var (victim, open) = await RawWebSocketClient.HandshakeAsync(host);
        using var _1 = victim;
        using var other = await RawPollingClient.ConnectAsync(host);
        var (otherWs, _) = await RawWebSocketClient.HandshakeAsync(host);
        using var _2 = otherWs;

        await victim.SendTextAsync(packet);

        Assert.True((await victim.ReceiveAsync()).IsClose);
        Assert.Equal(EngineIoCloseReasons.ParseError, await handler.WaitClosedAsync(open.GetProperty("sid").GetString()!));
        await AssertOtherSessionWorksAsync(other, handler);
        await otherWs.SendTextAsync("4ws fine");
        Assert.Equal("4ws fine", await otherWs.ReceiveTextAsync());
    }

    [Fact]
    public async Task Client_ping_over_polling_closes_with_transport_error()
    {
        var handler = new RecordingHandler();
        await using var host = await EioTestUtil.StartAsync(handler);
        using var client = await RawPollingClient.ConnectAsync(host);

        using var _ = await client.PostRawAsync("2");

        Assert.Equal(EngineIoCloseReasons.TransportError, await handler.WaitClosedAsync(client.Sid));
    }

    [Fact]
    public async Task Client_ping_over_websocket_closes_with_transport_error()
    {
        var handler = new RecordingHandler();
        await using var host = await EioTestUtil.StartAsync(handler);
        var (client, open) = await RawWebSocketClient.HandshakeAsync(host);
        using var _1 = client;

        await client.SendTextAsync("2");

        Assert.Equal(EngineIoCloseReasons.TransportError, await handler.WaitClosedAsync(open.GetProperty("sid").GetString()!));
        Assert.True((await client.ReceiveAsync()).IsClose);
    }

    [Fact]
    public async Task Probe_ping_outside_an_upgrade_closes_with_transport_error()
    {
        var handler = new RecordingHandler();
        await using var host = await EioTestUtil.StartAsync(handler);
        var (client, open) = await RawWebSocketClient.HandshakeAsync(host);
        using var _1 = client;

        await client.SendTextAsync("2probe");

        Assert.Equal(EngineIoCloseReasons.TransportError, await handler.WaitClosedAsync(open.GetProperty("sid").GetString()!));
    }

    [Fact]
    public async Task Raw_binary_polling_body_is_refused_in_v4()
    {
        var handler = new RecordingHandler();
        await using var host = await EioTestUtil.StartAsync(handler);
        using var client = await RawPollingClient.ConnectAsync(host);

        using var content = new ByteArrayContent([4, 1, 2, 3]);
        content.Headers.ContentType = new("application/octet-stream");
        using var response = await client.Http.PostAsync(client.Uri, content).WithTimeout();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(EngineIoCloseReasons.TransportError, await handler.WaitClosedAsync(client.Sid));
    }

    [Fact]
    public async Task Open_upgrade_and_noop_packets_from_the_client_are_ignored()
    {
        var handler = new RecordingHandler(echo: false);
        await using var host = await EioTestUtil.StartAsync(handler);
        using var client = await RawPollingClient.ConnectAsync(host);

        await client.PostAsync("0", "5", "6", "3", "4after");

        Assert.Equal("after", Encoding.UTF8.GetString((await handler.WaitMessageAsync()).Data));
        Assert.True(handler.Sessions[client.Sid].IsOpen);
    }
}
