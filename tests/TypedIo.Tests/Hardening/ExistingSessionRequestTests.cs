using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TypedIo.EngineIo;
using TypedIo.Tests.EngineIo;
using TypedIo.Tests.Infrastructure;
using TypedIo.Tests.SocketIo;

namespace TypedIo.Tests.Hardening;

/// <summary>Requests for a session that exists: the protocol version is checked, and a client abort is not a server fault.</summary>
public sealed class ExistingSessionRequestTests
{
    [Theory]
    [InlineData("3")]
    [InlineData("")]
    public async Task A_poll_in_another_protocol_version_is_refused_and_the_session_lives_on(string eio)
    {
        var handler = new RecordingHandler();
        await using var host = await EioTestUtil.StartAsync(handler);
        using var client = await RawPollingClient.ConnectAsync(host);
        var session = await handler.WaitConnectedAsync();
        var uri = new Uri(host.BaseAddress, $"engine.io/?EIO={eio}&transport=polling&sid={client.Sid}");

        using (var get = await client.Http.GetAsync(uri).WithTimeout())
            await EioTestUtil.AssertErrorAsync(get, 3, "Bad request");
        using (var post = await client.Http.PostAsync(uri, EioTestUtil.Text("4hello")).WithTimeout())
            await EioTestUtil.AssertErrorAsync(post, 3, "Bad request");

        Assert.True(session.IsOpen);
        await client.PostAsync("4still v4");
        Assert.Equal("still v4", Encoding.UTF8.GetString((await handler.WaitMessageAsync()).Data));
    }

    [Fact]
    public async Task A_websocket_upgrade_in_another_protocol_version_is_refused()
    {
        var handler = new RecordingHandler();
        await using var host = await EioTestUtil.StartAsync(handler);
        using var client = await RawPollingClient.ConnectAsync(host);
        var session = await handler.WaitConnectedAsync();

        var status = await RawWebSocketClient.ConnectExpectingRefusalAsync(
            new Uri(host.WebSocketAddress, $"engine.io/?EIO=3&transport=websocket&sid={client.Sid}"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(session.IsOpen);
        Assert.Equal(EngineIoTransports.Polling, session.Transport);
    }

    [Fact]
    public async Task A_post_cut_short_by_its_client_is_logged_at_debug_in_one_line_and_closes_the_session()
    {
        var sink = new LogSink();
        var handler = new RecordingHandler();
        await using var host = await TestHost.StartAsync(
            app => app.MapEngineIo(EioTestUtil.Path, handler),
            services => services.AddSingleton<ILoggerProvider>(sink).AddLogging(logging => logging.SetMinimumLevel(LogLevel.Debug)));
        using var client = await RawPollingClient.ConnectAsync(host);
        var session = await handler.WaitConnectedAsync();

        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync(host.BaseAddress.Host, host.BaseAddress.Port);
            var head = $"POST /engine.io/?EIO=4&transport=polling&sid={client.Sid} HTTP/1.1\r\nHost: {host.BaseAddress.Authority}\r\n" +
                "Content-Type: text/plain;charset=UTF-8\r\nContent-Length: 1000\r\n\r\n4only part of";
            // Headers and part of the body, then the connection ends: the body is cut short.
            await tcp.GetStream().WriteAsync(Encoding.ASCII.GetBytes(head));
        }

        Assert.Equal(EngineIoCloseReasons.TransportError, await handler.WaitClosedAsync(session.Id));
        var entries = new List<(LogLevel Level, EventId Id, string Message, Exception? Exception)>();
        await EioTestUtil.WaitUntilAsync(() =>
        {
            while (sink.Entries.TryNext(out var entry))
                entries.Add(entry);
            return entries.Any(e => e.Id.Id == 101); // the session closed: everything about the POST was logged before
        }, "the abort to be logged");
        Assert.DoesNotContain(entries, e => e.Level >= LogLevel.Warning);
        var aborted = Assert.Single(entries, e => e.Id.Id == 120);
        Assert.Equal(LogLevel.Debug, aborted.Level);
        Assert.Null(aborted.Exception);
        Assert.DoesNotContain('\n', aborted.Message);
    }
}
