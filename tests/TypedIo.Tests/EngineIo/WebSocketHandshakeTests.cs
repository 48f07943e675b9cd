using System.Net;
using System.Net.WebSockets;
using System.Text;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Tests.EngineIo;

/// <summary>
/// The WebSocket handshake TypedIo answers itself (<c>WebSocketHandshake</c>) over Kestrel: the 101 as a client checks
/// it, nothing negotiated that the server does not do (no subprotocol, no compression), and clients that verify the
/// answer get through.
/// </summary>
public sealed class WebSocketHandshakeTests
{
    // RFC 6455, section 1.3: the sample key and its accept value.
    private const string SampleKey = "dGhlIHNhbXBsZSBub25jZQ==";
    private const string SampleAccept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

    [Fact]
    public async Task The_101_carries_exactly_the_upgrade_headers_and_the_accept_value_of_the_key()
    {
        var handler = new RecordingHandler();
        await using var host = await WebSocketFrameTests.StartAsync(handler);

        var (connection, head) = await RawFrameConnection.UpgradeAsync(host.BaseAddress, "/engine.io/?EIO=4&transport=websocket", SampleKey);
        await using var _ = connection;

        Assert.Equal(
            ["Connection: Upgrade", "Sec-WebSocket-Accept: " + SampleAccept, "Upgrade: websocket"],
            HandshakeHeaders(head, out var status));
        Assert.Equal("HTTP/1.1 101 Switching Protocols", status);
        // The connection is a WebSocket now: the open packet comes as a text frame.
        var open = await connection.ReadFrameAsync();
        Assert.Equal(0x1, open.Opcode);
        Assert.StartsWith("0{", open.Text);
    }

    [Fact]
    public async Task Offered_compression_and_subprotocols_are_not_taken_and_RSV1_stays_refused()
    {
        var handler = new RecordingHandler();
        await using var host = await WebSocketFrameTests.StartAsync(handler);

        var (connection, head) = await RawFrameConnection.UpgradeAsync(
            host.BaseAddress, "/engine.io/?EIO=4&transport=websocket", SampleKey,
            "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\nSec-WebSocket-Protocol: chat, superchat\r\n");
        await using var _ = connection;

        Assert.Equal(
            ["Connection: Upgrade", "Sec-WebSocket-Accept: " + SampleAccept, "Upgrade: websocket"],
            HandshakeHeaders(head, out var status));
        Assert.Equal("HTTP/1.1 101 Switching Protocols", status);
        await connection.ReadFrameAsync(); // the open packet
        // No extension was agreed, so a compressed frame (RSV1) is a protocol error.
        await connection.SendAsync(0xC1);
        Assert.Equal(1002, await connection.ReadCloseCodeAsync());
    }

    [Fact]
    public async Task A_client_that_offers_compression_and_a_subprotocol_connects_without_either()
    {
        var handler = new RecordingHandler(); // echoes
        await using var host = await WebSocketFrameTests.StartAsync(handler);
        using var client = new ClientWebSocket();
        client.Options.AddSubProtocol("chat");
        client.Options.DangerousDeflateOptions = new WebSocketDeflateOptions();
        client.Options.CollectHttpResponseDetails = true;
        using var timeout = new CancellationTokenSource(EioTestUtil.Timeout);

        // ClientWebSocket checks Sec-WebSocket-Accept; with neither header in the answer it goes on uncompressed, with no subprotocol.
        await client.ConnectAsync(new Uri(host.WebSocketAddress, "/engine.io/?EIO=4&transport=websocket"), timeout.Token);

        Assert.Equal(HttpStatusCode.SwitchingProtocols, client.HttpStatusCode);
        Assert.Null(client.SubProtocol);
        Assert.False(client.HttpResponseHeaders!.ContainsKey("Sec-WebSocket-Extensions"));
        var buffer = new byte[4096];
        var open = await client.ReceiveAsync(buffer, timeout.Token);
        Assert.StartsWith("0{", Encoding.UTF8.GetString(buffer, 0, open.Count));
        await client.SendAsync("4hello"u8.ToArray(), WebSocketMessageType.Text, true, timeout.Token);
        Assert.Equal("hello", Encoding.UTF8.GetString((await handler.WaitMessageAsync()).Data));
    }

    [Fact]
    public async Task A_request_ASP_NET_Core_does_not_take_for_a_WebSocket_request_is_refused_with_400()
    {
        var handler = new RecordingHandler();
        await using var host = await WebSocketFrameTests.StartAsync(handler);

        // A key of 15 bytes: not a WebSocket request for ASP.NET Core's check, so not one for the Engine.IO server.
        var (connection, head) = await RawFrameConnection.UpgradeAsync(
            host.BaseAddress, "/engine.io/?EIO=4&transport=websocket", Convert.ToBase64String(new byte[15]));
        await using var _ = connection;

        HandshakeHeaders(head, out var status);
        Assert.StartsWith("HTTP/1.1 400", status);
        Assert.DoesNotContain("Sec-WebSocket-Accept", head);
    }

    /// <summary>The header lines of <paramref name="head"/> but Date and Server (Kestrel's own), sorted; the status line apart.</summary>
    private static string[] HandshakeHeaders(string head, out string status)
    {
        var lines = head.Split("\r\n");
        status = lines[0];
        return lines[1..]
            .Where(line => !line.StartsWith("Date: ", StringComparison.Ordinal) && !line.StartsWith("Server: ", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToArray();
    }
}
