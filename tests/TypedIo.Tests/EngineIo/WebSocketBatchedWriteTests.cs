using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using TypedIo.EngineIo;
using TypedIo.SocketIo;
using TypedIo.Tests.Infrastructure;
using TypedIo.Tests.SocketIo;

namespace TypedIo.Tests.EngineIo;

/// <summary>
/// The WebSocket send path on a real Kestrel server, seen from under the server: a middleware in front records what is
/// written to each upgraded connection (Kestrel's own stream, below the frame checks). Frames queued at once go out in
/// one write, in order; a broadcast hands every connection the same array, the one it was encoded into.
/// </summary>
public sealed class WebSocketBatchedWriteTests
{
    [Fact]
    public async Task Frames_queued_at_once_reach_the_client_in_order_from_one_write()
    {
        var handler = new RecordingHandler(echo: false);
        var connections = new ConcurrentQueue<RecordingStream>();
        await using var host = await TestHost.StartAsync(
            app => app.MapEngineIo(EioTestUtil.Path, handler),
            middleware: app => RecordUpgradedConnections(app, connections));
        var (client, sid) = await RawFrameConnection.HandshakeAsync(host.BaseAddress);
        await using var _ = client;
        var session = await handler.WaitConnectedAsync();
        Assert.Equal(sid, session.Id);
        var connection = Assert.Single(connections);
        Assert.Single(connection.Writes); // the open packet

        var attachment = Enumerable.Range(0, 2000).Select(i => (byte)i).ToArray();
        Assert.True(session.Send([
            EngineFrame.Message("one"),
            EngineFrame.Binary(new byte[] { 1, 2, 3 }),
            EngineFrame.Message(new string('x', 300)),
            EngineFrame.Binary(attachment),
            EngineFrame.Message("last"),
        ]));

        Assert.Equal((0x1, "4one"), Read(await client.ReadFrameAsync()));
        Assert.Equal(new byte[] { 1, 2, 3 }, (await client.ReadFrameAsync()).Payload);
        Assert.Equal((0x1, "4" + new string('x', 300)), Read(await client.ReadFrameAsync()));
        Assert.Equal(attachment, (await client.ReadFrameAsync()).Payload);
        Assert.Equal((0x1, "4last"), Read(await client.ReadFrameAsync()));

        Assert.Equal(2, connection.Writes.Count);
        var frames = WebSocketFrameWriterTests.ServerFrames(connection.Writes[1].Bytes);
        Assert.Equal(["4one", "<3>", "4" + new string('x', 300), "<2000>", "4last"],
            frames.Select(frame => frame.Opcode == 0x2 ? $"<{frame.Payload.Length}>" : frame.Text));

        // The connection goes on as before: a message through the WebSocket's reads, then the close handshake.
        await client.SendAsync(RawFrameConnection.TextFrame("4ping"));
        Assert.Equal("ping"u8.ToArray(), (await handler.WaitMessageAsync()).Data);
        session.Close();
        Assert.Equal(1000, await client.ReadCloseCodeAsync());
    }

    [Fact]
    public async Task A_broadcast_hands_every_connection_the_array_it_was_encoded_into()
    {
        var connections = new ConcurrentQueue<RecordingStream>();
        var connected = new Recorder<Socket>();
        await using var host = await TestHost.StartAsync(
            app => app.MapTypedIo(io => io.Of("/").OnConnection(connected.Add)),
            services => services.AddTypedIo(),
            middleware: app => RecordUpgradedConnections(app, connections));
        var clients = new List<RawFrameConnection>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var client = await RawFrameConnection.OpenAsync(host.BaseAddress, "/socket.io/?EIO=4&transport=websocket");
                clients.Add(client);
                Assert.StartsWith("0{", (await client.ReadFrameAsync()).Text);
                await client.SendAsync(RawFrameConnection.TextFrame("40"));
                Assert.StartsWith("40{\"sid\":", (await client.ReadFrameAsync()).Text);
                await connected.NextAsync();
            }

            await host.Services.GetRequiredSocketIo().EmitAsync("news", "hello");

            foreach (var client in clients)
                Assert.Equal((0x1, "42[\"news\",\"hello\"]"), Read(await client.ReadFrameAsync()));
            var written = connections.Select(connection =>
            {
                Assert.True(MemoryMarshal.TryGetArray(connection.Writes[^1].Memory, out var segment));
                return segment;
            }).ToList();
            Assert.Equal(3, written.Count);
            // The encoded frame's own array, exactly as long as header and packet (not a pooled send buffer), for all.
            Assert.All(written, segment => Assert.Same(written[0].Array, segment.Array));
            var framed = 2 + "42[\"news\",\"hello\"]".Length;
            Assert.Equal((0, framed, framed), (written[0].Offset, written[0].Count, written[0].Array!.Length));
        }
        finally
        {
            foreach (var client in clients)
                await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_WebSocket_not_made_over_the_checked_connection_still_sends_through_its_own_API()
    {
        // A host whose WebSocket feature is its own (as an in-memory test server's is): no frame checks, no direct writes.
        var handler = new RecordingHandler(echo: false);
        var connections = new ConcurrentQueue<RecordingStream>();
        await using var host = await TestHost.StartAsync(
            app => app.MapEngineIo(EioTestUtil.Path, handler),
            middleware: app => app.Use(next => context =>
            {
                if (context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true } upgrade)
                {
                    context.Features.Set<IHttpWebSocketFeature>(new OwnWebSocketFeature(context, upgrade, connections));
                    context.Features.Set<IHttpUpgradeFeature>(null);
                }
                return next(context);
            }));
        var (client, _) = await RawFrameConnection.HandshakeAsync(host.BaseAddress);
        await using var __ = client;
        var session = await handler.WaitConnectedAsync();

        Assert.True(session.Send([EngineFrame.Message("one"), EngineFrame.Binary(new byte[] { 1, 2 }), EngineFrame.Message("three")]));

        Assert.Equal((0x1, "4one"), Read(await client.ReadFrameAsync()));
        Assert.Equal(new byte[] { 1, 2 }, (await client.ReadFrameAsync()).Payload);
        Assert.Equal((0x1, "4three"), Read(await client.ReadFrameAsync()));
        // The open packet and each frame alone: the WebSocket's own send, one write per frame.
        Assert.Equal(4, Assert.Single(connections).Writes.Count);
        session.Close();
        Assert.Equal(1000, await client.ReadCloseCodeAsync());
    }

    [Fact]
    public async Task A_WebSocket_not_made_over_the_checked_connection_is_read_through_its_own_API()
    {
        // The host's own WebSocket receives; its messages reach the transport's frame reader as frames
        // (WebSocketMessageStream), with the same rules.
        var handler = new RecordingHandler(); // echoes
        var connections = new ConcurrentQueue<RecordingStream>();
        await using var host = await TestHost.StartAsync(
            app => app.MapEngineIo(EioTestUtil.Path, handler, o => o.MaxHttpBufferSize = 100),
            middleware: app => app.Use(next => context =>
            {
                if (context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true } upgrade)
                {
                    context.Features.Set<IHttpWebSocketFeature>(new OwnWebSocketFeature(context, upgrade, connections));
                    context.Features.Set<IHttpUpgradeFeature>(null);
                }
                return next(context);
            }));
        var (client, sid) = await RawFrameConnection.HandshakeAsync(host.BaseAddress);
        await using var __ = client;

        // A fragmented message with a ping between (the WebSocket answers the ping itself), an empty binary message.
        await client.SendAsync([
            .. RawFrameConnection.TextFrame("4frag", fin: false),
            .. RawFrameConnection.Frame(0x9, "p"u8),
            .. RawFrameConnection.TextFrame("ments", opcode: 0x0),
            .. RawFrameConnection.Frame(0x2, []),
        ]);
        Assert.Equal((0xA, "p"), Read(await client.ReadFrameAsync()));
        Assert.Equal((0x1, "4fragments"), Read(await client.ReadFrameAsync()));
        Assert.Equal((0x2, ""), Read(await client.ReadFrameAsync()));

        // Over the limit in total: refused with 1009 by the transport's reader, sent through the WebSocket's close.
        await client.SendAsync([.. RawFrameConnection.Frame(0x2, new byte[60], fin: false), .. RawFrameConnection.Frame(0x0, new byte[41])]);
        Assert.Equal(1009, await client.ReadCloseCodeAsync());
        Assert.Equal(EngineIoCloseReasons.TransportError, await handler.WaitClosedAsync(sid));
    }

    private static (int Opcode, string Text) Read(ServerFrame frame) => (frame.Opcode, frame.Text);

    /// <summary>Accepts a WebSocket over the upgraded connection itself (RFC 6455 4.2.2), bypassing the frame checks.</summary>
    private sealed class OwnWebSocketFeature(HttpContext context, IHttpUpgradeFeature upgrade, ConcurrentQueue<RecordingStream> connections) : IHttpWebSocketFeature
    {
        public bool IsWebSocketRequest => true;

        public async Task<WebSocket> AcceptAsync(WebSocketAcceptContext acceptContext)
        {
            var key = context.Request.Headers["Sec-WebSocket-Key"].ToString();
#pragma warning disable CA5350 // SHA-1 is what RFC 6455 prescribes for the accept key
            var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
#pragma warning restore CA5350
            context.Response.Headers.Connection = "Upgrade";
            context.Response.Headers.Upgrade = "websocket";
            context.Response.Headers["Sec-WebSocket-Accept"] = accept;
            var stream = new RecordingStream(inner: await upgrade.UpgradeAsync());
            connections.Enqueue(stream);
            return WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });
        }
    }

    /// <summary>Records every write to each upgraded connection, below everything the server puts over it.</summary>
    private static void RecordUpgradedConnections(IApplicationBuilder app, ConcurrentQueue<RecordingStream> connections) =>
        app.Use(next => context =>
        {
            if (context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true } upgrade)
                context.Features.Set<IHttpUpgradeFeature>(new RecordingUpgrade(upgrade, connections));
            return next(context);
        });

    private sealed class RecordingUpgrade(IHttpUpgradeFeature inner, ConcurrentQueue<RecordingStream> connections) : IHttpUpgradeFeature
    {
        public bool IsUpgradableRequest => inner.IsUpgradableRequest;

        public async Task<Stream> UpgradeAsync()
        {
            var stream = new RecordingStream(inner: await inner.UpgradeAsync());
            connections.Enqueue(stream);
            return stream;
        }
    }
}
