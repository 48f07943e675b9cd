using System.Net;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TypedIo.EngineIo;
using TypedIo.Tests.Infrastructure;
using TypedIo.Tests.SocketIo;

namespace TypedIo.Tests.EngineIo;

/// <summary>
/// Frames a client sends, checked on the wire as they arrive, with Node's <c>ws</c> close codes: a header that breaks
/// RFC 6455 is refused with 1002 on the byte that breaks it, a length over <c>MaxHttpBufferSize</c> with 1009 as soon as
/// the header declares it; the client sends nothing after those bytes and still gets the close frame, then the end of
/// the connection.
/// </summary>
public sealed class WebSocketFrameTests
{
    private const int RefusedEventId = 150;
    private const int ProtocolError = 1002, MessageTooBig = 1009;

    /// <summary>The bytes that open a refused frame: nothing after them is sent.</summary>
    public static TheoryData<string, byte[]> InvalidHeaders => new()
    {
        { "RSV1 set, no extension negotiated", [0xC1] },
        { "RSV2 set", [0xA1] },
        { "RSV3 set", [0x91] },
        { "reserved data opcode 3", [0x83] },
        { "reserved data opcode 7", [0x87] },
        { "reserved control opcode 0xB", [0x8B] },
        { "reserved control opcode 0xF", [0x8F] },
        { "continuation with nothing to continue", [0x80] },
        { "ping without FIN", [0x09] },
        { "close without FIN", [0x08] },
        { "text without the MASK bit", [0x81, 0x05] },
        { "binary without the MASK bit", [0x82, 0x7E] },
        { "ping with a 126-byte payload", [0x89, 0xFE] },
        { "pong with a 64-bit length", [0x8A, 0xFF] },
        { "close with a one-byte body", [0x88, 0x81] },
    };

    [Theory]
    [MemberData(nameof(InvalidHeaders))]
    public async Task An_invalid_frame_header_is_refused_with_1002_on_the_byte_that_breaks_it(string what, byte[] bytes)
    {
        var sink = new LogSink();
        var handler = new RecordingHandler();
        await using var host = await StartAsync(handler, sink);
        var (connection, sid) = await RawFrameConnection.HandshakeAsync(host.BaseAddress);
        await using var _ = connection;

        await connection.SendAsync(bytes);

        var code = await connection.ReadCloseCodeAsync();
        Assert.True(code == ProtocolError, $"{what}: closed with {code}");
        connection.EndSending(); // as ws does once it has the close frame
        await connection.WaitForEndAsync();
        Assert.Equal(EngineIoCloseReasons.TransportError, await handler.WaitClosedAsync(sid));
        var logged = await sink.WaitForAsync(RefusedEventId).WaitAsync(EioTestUtil.Timeout);
        Assert.Equal(LogLevel.Warning, logged.Level);
        Assert.Contains("close code 1002: Invalid WebSocket frame: ", logged.Message);
    }

    [Fact]
    public async Task Frames_are_checked_when_the_app_has_its_own_UseWebSockets_too()
    {
        var handler = new RecordingHandler();
        await using var host = await TestHost.StartAsync(
            app => app.MapEngineIo(EioTestUtil.Path, handler),
            middleware: app => app.UseWebSockets());
        var (connection, sid) = await RawFrameConnection.HandshakeAsync(host.BaseAddress);
        await using var _ = connection;

        await connection.SendAsync(0xC1);

        Assert.Equal(ProtocolError, await connection.ReadCloseCodeAsync());
        Assert.Equal(EngineIoCloseReasons.TransportError, await handler.WaitClosedAsync(sid));
    }

    [Fact]
    public async Task A_new_data_frame_inside_a_fragmented_message_is_refused_with_1002()
    {
        var handler = new RecordingHandler();
        await using var host = await StartAsync(handler);
        var (connection, sid) = await RawFrameConnection.HandshakeAsync(host.BaseAddress);
        await using var _ = connection;

        await connection.SendAsync(RawFrameConnection.TextFrame("4hel", fin: false));
        await connection.SendAsync(0x81); // a whole text frame, while "4hel" waits for its continuation

        Assert.Equal(ProtocolError, await connection.ReadCloseCodeAsync());
        connection.EndSending(); // as ws does once it has the close frame
        await connection.WaitForEndAsync();
        Assert.Equal(EngineIoCloseReasons.TransportError, await handler.WaitClosedAsync(sid));
    }

    [Fact]
    public async Task A_2_to_the_62_byte_length_is_refused_with_1009_on_its_first_length_byte()
    {
        var sink = new LogSink();
        var handler = new RecordingHandler();
        await using var host = await StartAsync(handler, sink);
        var (connection, sid) = await RawFrameConnection.HandshakeAsync(host.BaseAddress);
        await using var _ = connection;

        // Binary, FIN, masked, 64-bit length whose first byte already makes it 2^62.
        await connection.SendAsync(0x82, 0xFF, 0x40);

        Assert.Equal(MessageTooBig, await connection.ReadCloseCodeAsync());
        connection.EndSending(); // as ws does once it has the close frame
        await connection.WaitForEndAsync();
        Assert.Equal(EngineIoCloseReasons.TransportError, await handler.WaitClosedAsync(sid));
        var logged = await sink.WaitForAsync(RefusedEventId).WaitAsync(EioTestUtil.Timeout);
        Assert.Contains("1009", logged.Message);
    }

    [Fact]
    public async Task A_length_one_byte_over_the_limit_is_refused_with_1009_once_the_length_is_in()
    {
        var handler = new RecordingHandler();
        await using var host = await StartAsync(handler, configure: o => o.MaxHttpBufferSize = 1000);
        var (connection, sid) = await RawFrameConnection.HandshakeAsync(host.BaseAddress);
        await using var _ = connection;

        // Text, FIN, masked, 16-bit length 1001: no mask key, no payload.
        await connection.SendAsync(0x81, 0xFE, 0x03, 0xE9);

        Assert.Equal(MessageTooBig, await connection.ReadCloseCodeAsync());
        connection.EndSending(); // as ws does once it has the close frame
        await connection.WaitForEndAsync();
        Assert.Equal(EngineIoCloseReasons.TransportError, await handler.WaitClosedAsync(sid));
    }

    [Fact]
    public async Task A_message_refused_from_its_header_while_the_client_still_sends_it_gets_its_close_frame_and_a_normal_end()
    {
        var handler = new RecordingHandler();
        await using var host = await StartAsync(handler, configure: o => o.MaxHttpBufferSize = 1000);
        var (connection, sid) = await RawFrameConnection.HandshakeAsync(host.BaseAddress);
        await using var _ = connection;

        // Binary, FIN, masked, a 64-bit length of 4 MiB, the mask key and the whole payload in one write: far more than
        // Kestrel reads ahead (1 MB), so most of it is still unread when the frame is refused. As Node's ws, the server
        // drops what still comes after its close frame until the client ends: ended with unread bytes, the connection
        // would be reset, which can destroy the close frame before the client reads it and fails the client's writes.
        const int length = 4 << 20;
        var frame = new byte[14 + length];
        new byte[] { 0x82, 0xFF, 0, 0, 0, 0, 0, 0x40, 0, 0, 1, 2, 3, 4 }.CopyTo(frame, 0);
        var sending = connection.SendAsync(frame);

        Assert.Equal(MessageTooBig, await connection.ReadCloseCodeAsync());
        await sending;
        await connection.SendAsync(RawFrameConnection.Frame(0x8, [0x03, 0xF1]));
        connection.EndSending();
        await connection.WaitForEndAsync(resetAllowed: false);
        Assert.Equal(EngineIoCloseReasons.TransportError, await handler.WaitClosedAsync(sid));
    }

    [Fact]
    public async Task After_a_refused_frame_a_client_that_keeps_the_connection_open_is_cut_after_the_close_handshake_time()
    {
        var handler = new RecordingHandler();
        await using var host = await StartAsync(handler, configure: o => o.MaxHttpBufferSize = 1000);
        var (connection, sid) = await RawFrameConnection.HandshakeAsync(host.BaseAddress);
        await using var _ = connection;

        await connection.SendAsync(0x81, 0xFE, 0x03, 0xE9);
        Assert.Equal(MessageTooBig, await connection.ReadCloseCodeAsync());

        // The client neither answers nor ends: the server stops waiting for it after two seconds (ws waits 30).
        var waited = System.Diagnostics.Stopwatch.StartNew();
        await connection.WaitForEndAsync(TimeSpan.FromSeconds(10));
        Assert.InRange(waited.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));
        Assert.Equal(EngineIoCloseReasons.TransportError, await handler.WaitClosedAsync(sid));
    }

    [Fact]
    public async Task A_fragmented_message_over_the_limit_in_total_is_refused_with_1009_on_the_fragment_that_passes_it()
    {
        var handler = new RecordingHandler();
        await using var host = await StartAsync(handler, configure: o => o.MaxHttpBufferSize = 100);
        var (connection, sid) = await RawFrameConnection.HandshakeAsync(host.BaseAddress);
        await using var _ = connection;

        // 60 bytes, then a ping between the fragments (control frames do not count), then the header of 60 more.
        await connection.SendAsync(RawFrameConnection.Frame(0x2, new byte[60], fin: false));
        await connection.SendAsync(RawFrameConnection.Frame(0x9, "?"u8));
        Assert.Equal(0xA, (await connection.ReadFrameAsync()).Opcode);
        await connection.SendAsync(0x80, 0x80 | 60);

        Assert.Equal(MessageTooBig, await connection.ReadCloseCodeAsync());
        connection.EndSending(); // as ws does once it has the close frame
        await connection.WaitForEndAsync();
        Assert.Equal(EngineIoCloseReasons.TransportError, await handler.WaitClosedAsync(sid));
    }

    [Fact]
    public async Task Messages_at_the_limit_fragmented_binary_and_with_control_frames_between_fragments_are_delivered()
    {
        var handler = new RecordingHandler(); // echoes
        await using var host = await StartAsync(handler, configure: o => o.MaxHttpBufferSize = 70_000);
        var (connection, sid) = await RawFrameConnection.HandshakeAsync(host.BaseAddress);
        await using var _ = connection;

        // A text message in three fragments, with a ping, a pong and an empty fragment between them.
        await connection.SendAsync(RawFrameConnection.TextFrame("4hel", fin: false));
        await connection.SendAsync(RawFrameConnection.Frame(0x9, "ping?"u8));
        await connection.SendAsync(RawFrameConnection.TextFrame("lo, ", fin: false, opcode: 0x0));
        await connection.SendAsync(RawFrameConnection.Frame(0xA, []));
        await connection.SendAsync(RawFrameConnection.Frame(0x0, [], fin: false));
        await connection.SendAsync(RawFrameConnection.TextFrame("frames ✓", opcode: 0x0));
        var pong = await connection.ReadFrameAsync();
        Assert.Equal((0xA, "ping?"), (pong.Opcode, pong.Text));
        var echo = await connection.ReadFrameAsync();
        Assert.Equal((0x1, "4hello, frames ✓"), (echo.Opcode, echo.Text));

        // Binary in two fragments, each with a 16-bit length.
        var binary = Enumerable.Range(0, 300).Select(i => (byte)i).ToArray();
        await connection.SendAsync(RawFrameConnection.Frame(0x2, binary.AsSpan(0, 200), fin: false));
        await connection.SendAsync(RawFrameConnection.Frame(0x0, binary.AsSpan(200)));
        echo = await connection.ReadFrameAsync();
        Assert.Equal(0x2, echo.Opcode);
        Assert.Equal(binary, echo.Payload);

        // Exactly at the limit, with a 64-bit length; then a legal 64-bit length for a small message.
        var atLimit = "4" + new string('x', 70_000 - 1);
        await connection.SendAsync(RawFrameConnection.TextFrame(atLimit));
        Assert.Equal(atLimit, (await connection.ReadFrameAsync()).Text);
        var small = RawFrameConnection.TextFrame("4small");
        byte[] longForm = [small[0], 0x80 | 127, 0, 0, 0, 0, 0, 0, 0, (byte)(small.Length - 6), .. small.AsSpan(2)];
        await connection.SendAsync(longForm);
        Assert.Equal("4small", (await connection.ReadFrameAsync()).Text);

        // Several frames in one write, split across writes at every kind of boundary, one byte at a time.
        var several = new List<byte>();
        for (var i = 0; i < 3; i++)
            several.AddRange(RawFrameConnection.TextFrame("4#" + i));
        foreach (var b in several)
            await connection.SendAsync(b);
        for (var i = 0; i < 3; i++)
            Assert.Equal("4#" + i, (await connection.ReadFrameAsync()).Text);

        // The close handshake: the server answers the client's close frame with its own.
        await connection.SendAsync(RawFrameConnection.Frame(0x8, [0x03, 0xE8]));
        Assert.Equal(1000, await connection.ReadCloseCodeAsync());
        Assert.Equal(EngineIoCloseReasons.TransportClose, await handler.WaitClosedAsync(sid));
    }

    [Fact]
    public async Task Legal_frames_before_an_invalid_one_in_the_same_write_are_delivered_first()
    {
        var handler = new RecordingHandler(echo: false);
        await using var host = await StartAsync(handler);
        var (connection, sid) = await RawFrameConnection.HandshakeAsync(host.BaseAddress);
        await using var _ = connection;

        await connection.SendAsync([.. RawFrameConnection.TextFrame("4first"), .. RawFrameConnection.TextFrame("4second"), 0xF1]);

        Assert.Equal(ProtocolError, await connection.ReadCloseCodeAsync());
        Assert.Equal("first", Encoding.UTF8.GetString((await handler.WaitMessageAsync()).Data));
        Assert.Equal("second", Encoding.UTF8.GetString((await handler.WaitMessageAsync()).Data));
        Assert.Equal(EngineIoCloseReasons.TransportError, await handler.WaitClosedAsync(sid));
    }

    [Fact]
    public async Task An_invalid_frame_during_the_upgrade_probe_closes_that_websocket_and_the_polling_session_goes_on()
    {
        var handler = new RecordingHandler();
        await using var host = await StartAsync(handler);
        using var polling = await RawPollingClient.ConnectAsync(host);

        var connection = await RawFrameConnection.OpenAsync(host.BaseAddress, "/engine.io/?EIO=4&transport=websocket&sid=" + polling.Sid);
        await using var _ = connection;
        await connection.SendAsync(0xC1);

        Assert.Equal(ProtocolError, await connection.ReadCloseCodeAsync());
        connection.EndSending(); // as ws does once it has the close frame
        await connection.WaitForEndAsync();
        await polling.PostAsync("4still here");
        Assert.Equal("still here", Encoding.UTF8.GetString((await handler.WaitMessageAsync()).Data));
    }

    [Fact]
    public async Task Over_http2_the_frames_of_an_extended_connect_websocket_are_checked_too()
    {
        var sink = new LogSink();
        var handler = new RecordingHandler(); // echoes
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<ILoggerProvider>(sink);
        // Cleartext HTTP/2 only: the clients speak it with prior knowledge; the WebSocket is an extended CONNECT.
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2));
        await using var app = builder.Build();
        app.MapEngineIo(EioTestUtil.Path, handler, o => o.MaxHttpBufferSize = 1000);
        await app.StartAsync();
        var port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;

        // The Engine.IO server opens sessions over HTTP/2 by polling only (a CONNECT handshake gets 400, GET expected);
        // the upgrade of a polling session to an HTTP/2 WebSocket is accepted.
        using var http = new HttpClient(new SocketsHttpHandler())
        {
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        var open = await http.GetStringAsync($"http://127.0.0.1:{port}/engine.io/?EIO=4&transport=polling").WithTimeout();
        var sid = EioTestUtil.ParseOpen(open).GetProperty("sid").GetString()!;

        using var invoker = new HttpMessageInvoker(new SocketsHttpHandler());
        using var client = new ClientWebSocket();
        client.Options.HttpVersion = HttpVersion.Version20;
        client.Options.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        client.Options.CollectHttpResponseDetails = true;
        using var timeout = new CancellationTokenSource(EioTestUtil.Timeout);
        await client.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/engine.io/?EIO=4&transport=websocket&sid={sid}"), invoker, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, client.HttpStatusCode); // extended CONNECT answers 200, an HTTP/1.1 upgrade 101

        var buffer = new byte[4096];
        await client.SendAsync("2probe"u8.ToArray(), WebSocketMessageType.Text, true, timeout.Token);
        var probe = await client.ReceiveAsync(buffer, timeout.Token);
        Assert.Equal("3probe", Encoding.UTF8.GetString(buffer, 0, probe.Count));
        await client.SendAsync("5"u8.ToArray(), WebSocketMessageType.Text, true, timeout.Token);
        await client.SendAsync("4over h2"u8.ToArray(), WebSocketMessageType.Text, true, timeout.Token);
        var echo = await client.ReceiveAsync(buffer, timeout.Token);
        Assert.Equal("4over h2", Encoding.UTF8.GetString(buffer, 0, echo.Count));

        // Over the limit: the checks refuse it from its header (only they log event 150) and close with 1009.
        await client.SendAsync(new byte[1001], WebSocketMessageType.Binary, true, timeout.Token);
        var close = await client.ReceiveAsync(buffer, timeout.Token);
        Assert.Equal(WebSocketMessageType.Close, close.MessageType);
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, client.CloseStatus);
        Assert.Contains("close code 1009", (await sink.WaitForAsync(RefusedEventId).WaitAsync(EioTestUtil.Timeout)).Message);
        Assert.Equal(EngineIoCloseReasons.TransportError, await handler.WaitClosedAsync(sid));
        await app.StopAsync();
    }

    /// <summary>A host with <paramref name="handler"/> mapped at the Engine.IO path and its log going to <paramref name="sink"/>.</summary>
    internal static Task<TestHost> StartAsync(RecordingHandler handler, LogSink? sink = null, Action<EngineIoOptions>? configure = null) =>
        TestHost.StartAsync(
            app => app.MapEngineIo(EioTestUtil.Path, handler, configure),
            services => services.AddSingleton<ILoggerProvider>(sink ?? new LogSink()));
}
