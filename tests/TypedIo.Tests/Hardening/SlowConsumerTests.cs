using System.Net.Sockets;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TypedIo.EngineIo;
using TypedIo.Tests.EngineIo;
using TypedIo.Tests.Infrastructure;
using TypedIo.Tests.SocketIo;

namespace TypedIo.Tests.Hardening;

/// <summary>A WebSocket client that stops reading while the server sends costs bounded memory and is cut off.</summary>
public sealed class SlowConsumerTests
{
    [Fact]
    public async Task A_websocket_client_that_stops_reading_is_closed_at_the_queue_limit_and_its_connection_ends()
    {
        var handler = new RecordingHandler(echo: false);
        var requestEnded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sink = new LogSink();
        await using var host = await TestHost.StartAsync(
            app => app.MapEngineIo(EioTestUtil.Path, handler, o => o.MaxQueuedPackets = 20),
            services => services.AddSingleton<ILoggerProvider>(sink).AddLogging(logging => logging.SetMinimumLevel(LogLevel.Debug)),
            middleware: app => app.Use(async (context, next) =>
            {
                await next(context);
                if (context.Request.Query["transport"] == "websocket")
                    requestEnded.TrySetResult();
            }));

        using var tcp = new TcpClient { ReceiveBufferSize = 4096 };
        await tcp.ConnectAsync(host.BaseAddress.Host, host.BaseAddress.Port);
        var stream = tcp.GetStream();
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"GET /engine.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: {host.BaseAddress.Authority}\r\nUpgrade: websocket\r\n" +
            $"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"));
        var session = await handler.WaitConnectedAsync();

        // From here on the client reads nothing. The server sends until its queue for this client is full.
        var chunk = EngineFrame.Message(new string('x', 1024 * 1024));
        var sent = 0;
        await EioTestUtil.WaitUntilAsync(() =>
        {
            while (session.Send(chunk))
                sent++;
            return !session.IsOpen;
        }, "the send queue to fill");

        Assert.Equal(EngineIoCloseReasons.TransportError, await handler.WaitClosedAsync(session.Id));
        // The send stuck on the full TCP window is abandoned: the request (and what it holds) ends.
        // 2 s close handshake, then the abort: 30 s is generous for a loaded CI machine.
        if (await Task.WhenAny(requestEnded.Task, Task.Delay(TimeSpan.FromSeconds(30))) != requestEnded.Task)
        {
            var log = new List<string>();
            while (sink.Entries.TryNext(out var entry))
                log.Add($"{entry.Level} {entry.Id.Id} {entry.Message} {entry.Exception?.GetType().Name}");
            Assert.Fail($"The WebSocket request did not end within 30 s of the close ({sent} frames queued). Server log:\n{string.Join("\n", log)}");
        }
        Assert.InRange(sent, 20, 10_000);
    }

    [Fact]
    public async Task A_send_that_fails_with_a_cancellation_closes_the_session_and_ends_the_request()
    {
        // A WebSocket aborted while a frame is written, or a connection Kestrel aborted, fails the send with an
        // OperationCanceledException (ConnectionAbortedException is one): the session must close and the request end.
        var handler = new RecordingHandler(echo: false);
        var requestEnded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var failWrites = new StrongBox<bool>();
        await using var host = await TestHost.StartAsync(
            app => app.MapEngineIo(EioTestUtil.Path, handler),
            middleware: app => app.Use(async (context, next) =>
            {
                if (context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true } upgrade)
                    context.Features.Set<IHttpUpgradeFeature>(new FailingUpgrade(upgrade, failWrites));
                await next(context);
                if (context.Request.Query["transport"] == "websocket")
                    requestEnded.TrySetResult();
            }));

        using var client = new ClientWebSocket();
        await client.ConnectAsync(new Uri(host.WebSocketAddress, $"{EioTestUtil.Path}/?EIO=4&transport=websocket"), CancellationToken.None);
        var session = await handler.WaitConnectedAsync();
        failWrites.Value = true;
        Assert.True(session.Send(EngineFrame.Message("lost")));

        Assert.Equal(EngineIoCloseReasons.TransportError, await handler.WaitClosedAsync(session.Id));
        await requestEnded.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>The upgraded connection, whose writes fail as Kestrel's do on an aborted connection once told to.</summary>
    private sealed class FailingUpgrade(IHttpUpgradeFeature inner, StrongBox<bool> fail) : IHttpUpgradeFeature
    {
        public bool IsUpgradableRequest => inner.IsUpgradableRequest;

        public async Task<Stream> UpgradeAsync() => new FailingWrites(await inner.UpgradeAsync(), fail);
    }

    private sealed class FailingWrites(Stream inner, StrongBox<bool> fail) : AsyncOnlyStream
    {
        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            inner.ReadAsync(buffer, cancellationToken);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            fail.Value ? ValueTask.FromException(new ConnectionAbortedException("aborted by the test")) : inner.WriteAsync(buffer, cancellationToken);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
