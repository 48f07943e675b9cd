using TypedIo.EngineIo;
using TypedIo.Tests.Infrastructure;
using TypedIo.Tests.SocketIo;

namespace TypedIo.Tests.EngineIo;

/// <summary>
/// The transport's own read path on the wire (<see cref="WebSocketFrameReader"/> over the checked connection): frames
/// split at every byte boundary, pings answered with pongs, the close handshake either way, and a text message that is
/// not UTF-8 refused with 1007 as Node's <c>ws</c> refuses it.
/// </summary>
public sealed class WebSocketReadPathTests
{
    [Fact]
    public async Task A_message_split_at_every_byte_boundary_is_echoed()
    {
        var handler = new RecordingHandler(); // echoes
        await using var host = await StartAsync(handler);
        var (connection, _) = await RawFrameConnection.HandshakeAsync(host.BaseAddress);
        await using var __ = connection;

        var text = "4" + new string('x', 129); // a 16-bit length: a header of eight bytes
        var frame = RawFrameConnection.TextFrame(text);
        for (var split = 1; split < frame.Length; split++)
        {
            await connection.SendAsync(frame[..split]);
            await connection.SendAsync(frame[split..]);
            Assert.Equal(text, (await connection.ReadFrameAsync()).Text);
        }
    }

    [Fact]
    public async Task A_fragmented_message_with_a_ping_between_split_at_every_byte_boundary_is_echoed_after_the_pong()
    {
        var handler = new RecordingHandler();
        await using var host = await StartAsync(handler);
        var (connection, _) = await RawFrameConnection.HandshakeAsync(host.BaseAddress);
        await using var __ = connection;

        byte[] bytes =
        [
            .. RawFrameConnection.TextFrame("4frag", fin: false),
            .. RawFrameConnection.Frame(0x9, "ping?"u8),
            .. RawFrameConnection.TextFrame("ments", opcode: 0x0),
        ];
        for (var split = 1; split < bytes.Length; split++)
        {
            await connection.SendAsync(bytes[..split]);
            await connection.SendAsync(bytes[split..]);
            var pong = await connection.ReadFrameAsync();
            Assert.Equal((0xA, "ping?"), (pong.Opcode, pong.Text));
            var echo = await connection.ReadFrameAsync();
            Assert.Equal((0x1, "4fragments"), (echo.Opcode, echo.Text));
        }
    }

    [Fact]
    public async Task Several_messages_in_one_write_are_all_delivered_in_order()
    {
        var handler = new RecordingHandler(echo: false);
        await using var host = await StartAsync(handler);
        var (connection, _) = await RawFrameConnection.HandshakeAsync(host.BaseAddress);
        await using var __ = connection;

        var bytes = new List<byte>();
        for (var i = 0; i < 50; i++)
            bytes.AddRange(RawFrameConnection.TextFrame("4#" + i));
        await connection.SendAsync([.. bytes]);

        for (var i = 0; i < 50; i++)
            Assert.Equal("#" + i, System.Text.Encoding.UTF8.GetString((await handler.WaitMessageAsync()).Data));
    }

    [Fact]
    public async Task A_ping_with_the_largest_payload_is_answered_with_a_pong_carrying_it()
    {
        var handler = new RecordingHandler();
        await using var host = await StartAsync(handler);
        var (connection, _) = await RawFrameConnection.HandshakeAsync(host.BaseAddress);
        await using var __ = connection;
        var payload = Enumerable.Range(0, 125).Select(i => (byte)i).ToArray();

        await connection.SendAsync(RawFrameConnection.Frame(0x9, payload));

        var pong = await connection.ReadFrameAsync();
        Assert.Equal(0xA, pong.Opcode);
        Assert.Equal(payload, pong.Payload);
    }

    // As Node's ws: the answer to a client's close frame repeats its code and reason, or is empty when it had no code.
    [Theory]
    [InlineData(new byte[] { 0x03, 0xE9 })] // 1001, going away
    [InlineData(new byte[] { 0x0F, 0xA0, (byte)'b', (byte)'y', (byte)'e' })] // 4000 "bye"
    [InlineData(new byte[0])]
    public async Task The_client_closes_the_server_answers_with_its_close_body_and_ends_the_connection(byte[] body)
    {
        var handler = new RecordingHandler();
        await using var host = await StartAsync(handler);
        var (connection, sid) = await RawFrameConnection.HandshakeAsync(host.BaseAddress);
        await using var _ = connection;

        var closed = System.Diagnostics.Stopwatch.StartNew();
        await connection.SendAsync(RawFrameConnection.Frame(0x8, body));

        Assert.Equal(body, (await connection.ReadCloseFrameAsync()).Payload);
        // The client's side stays open, as a browser's does: after its close frame the server ends the connection at
        // once, without waiting for the client to end it (nor for the close handshake's two-second timeout).
        await connection.WaitForEndAsync(resetAllowed: false);
        Assert.True(closed.Elapsed < TimeSpan.FromSeconds(1.5), $"the connection ended {closed.Elapsed} after the close frame");
        Assert.Equal(EngineIoCloseReasons.TransportClose, await handler.WaitClosedAsync(sid));
    }

    [Fact]
    public async Task A_close_frame_during_the_upgrade_probe_is_answered_with_its_body_and_the_polling_session_goes_on()
    {
        var handler = new RecordingHandler();
        await using var host = await StartAsync(handler);
        using var polling = await RawPollingClient.ConnectAsync(host);
        var connection = await RawFrameConnection.OpenAsync(host.BaseAddress, "/engine.io/?EIO=4&transport=websocket&sid=" + polling.Sid);
        await using var _ = connection;

        byte[] body = [0x0F, 0xA1, (byte)'n', (byte)'o']; // 4001 "no"
        await connection.SendAsync(RawFrameConnection.Frame(0x8, body));

        Assert.Equal(body, (await connection.ReadCloseFrameAsync()).Payload);
        await connection.WaitForEndAsync();
        await polling.PostAsync("4still here");
        Assert.Equal("still here", System.Text.Encoding.UTF8.GetString((await handler.WaitMessageAsync()).Data));
    }

    [Fact]
    public async Task The_server_closes_the_client_answers_and_the_connection_ends_at_once()
    {
        var handler = new RecordingHandler();
        await using var host = await StartAsync(handler);
        var (connection, sid) = await RawFrameConnection.HandshakeAsync(host.BaseAddress);
        await using var _ = connection;

        handler.Sessions[sid].Close();
        Assert.Equal(1000, await connection.ReadCloseCodeAsync());
        var answered = System.Diagnostics.Stopwatch.StartNew();
        await connection.SendAsync(RawFrameConnection.Frame(0x8, [0x03, 0xE8]));

        // Ended by the client's answer, not by the close handshake's two-second timeout.
        await connection.WaitForEndAsync();
        Assert.True(answered.Elapsed < TimeSpan.FromSeconds(1.5), $"the connection ended {answered.Elapsed} after the answer");
    }

    [Fact]
    public async Task A_text_message_that_is_not_UTF8_is_refused_with_1007_as_ws_refuses_it()
    {
        var sink = new LogSink();
        var handler = new RecordingHandler();
        await using var host = await StartAsync(handler, sink);
        var (connection, sid) = await RawFrameConnection.HandshakeAsync(host.BaseAddress);
        await using var _ = connection;

        await connection.SendAsync(RawFrameConnection.Frame(0x1, [0x34, 0x61, 0xC0, 0x80])); // "4a" and an overlong NUL

        Assert.Equal(1007, await connection.ReadCloseCodeAsync());
        connection.EndSending(); // as ws does once it has the close frame
        await connection.WaitForEndAsync();
        Assert.Equal(EngineIoCloseReasons.TransportError, await handler.WaitClosedAsync(sid));
        var logged = await sink.WaitForAsync(150).WaitAsync(EioTestUtil.Timeout);
        Assert.Contains("close code 1007: Invalid WebSocket frame: invalid UTF-8 sequence", logged.Message);
        // The message is never handed to the session.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => handler.WaitMessageAsync(TimeSpan.FromMilliseconds(200)));
    }

    private static Task<TestHost> StartAsync(RecordingHandler handler, LogSink? sink = null) =>
        WebSocketFrameTests.StartAsync(handler, sink);
}
