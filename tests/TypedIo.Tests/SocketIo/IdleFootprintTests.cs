using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using TypedIo.EngineIo;
using TypedIo.SocketIo;

namespace TypedIo.Tests.SocketIo;

/// <summary>
/// What an idle connection keeps of TypedIo's per-connection objects, for as long as it stays connected (hours, for a
/// held WebSocket): the bytes each one allocates are exact on one thread, and everything measured here is kept alive
/// by the connection. The bounds hold for the Release build the tests run in. The whole connection's footprint by type
/// is measured with a gcdump (docs/benchmarks.md, "Profiling").
/// </summary>
public sealed class IdleFootprintTests
{
    [Fact]
    public void A_socket_with_one_handler_keeps_a_small_table()
    {
        Func<SocketEvent, ValueTask> handler = _ => ValueTask.CompletedTask;
        _ = Table(handler); // JIT and one-time set-up outside the measurement

        var before = GC.GetAllocatedBytesForCurrentThread();
        var table = Table(handler);
        var bytes = GC.GetAllocatedBytesForCurrentThread() - before;

        // 120 B: the table (48, its own lock), the one-entry array (32) and the entry (40), the delegate being the
        // caller's. 248 B before (a lock object, an immutable dictionary with its tree node, an immutable array, a 32 B
        // entry).
        Assert.True(bytes <= 130, $"{bytes} B for a table with one handler");
        GC.KeepAlive(table);

        static SocketEventHandlers Table(Func<SocketEvent, ValueTask> handler)
        {
            var table = new SocketEventHandlers();
            table.Add("ack", handler, once: false);
            return table;
        }
    }

    [Fact]
    public void A_decoder_holds_no_binary_reassembly_state_until_a_binary_packet_arrives()
    {
        var parser = new JsonPacketParser();
        _ = parser.CreateDecoder();

        var before = GC.GetAllocatedBytesForCurrentThread();
        var decoder = parser.CreateDecoder();
        var bytes = GC.GetAllocatedBytesForCurrentThread() - before;

        // 48 B (120 B before: the pending header, data and attachment fields were the decoder's own).
        Assert.True(bytes <= 48, $"{bytes} B for a connection's decoder");
        GC.KeepAlive(decoder);
    }

    [Fact]
    public void The_frame_checks_of_a_WebSocket_request_are_one_object()
    {
        var services = new ServiceCollection().BuildServiceProvider();
        var app = new ApplicationBuilder(services);
        app.UseClientFrameChecks(new EngineIoOptions());
        app.Run(_ => Task.CompletedTask);
        var pipeline = app.Build();
        Assert.True(pipeline(Upgradable()).IsCompletedSuccessfully);

        var context = Upgradable();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var handled = pipeline(context);
        var bytes = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(handled.IsCompletedSuccessfully);
        var features = context.Features;
        var check = features.Get<IFrameCheckFeature>();
        Assert.NotNull(check);
        Assert.Same(check, features.Get<IHttpUpgradeFeature>());
        Assert.Same(check, features.Get<IHttpExtendedConnectFeature>());
        Assert.Same(check, features.Get<IHttpRequestLifetimeFeature>());
        Assert.True(features.Get<IHttpUpgradeFeature>()!.IsUpgradableRequest);
        // 56 B for the one object (four of 32 B before), plus what the feature collection itself allocates to hold them.
        Assert.True(bytes <= 56 + FeatureCollectionOverhead(), $"{bytes} B of frame checks per request");
    }

    [Fact]
    public void The_checked_connection_holds_no_semaphore_for_its_writes()
    {
        _ = new FrameCheckingStream(Stream.Null, maxPayload: 1000);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var stream = new FrameCheckingStream(Stream.Null, maxPayload: 1000);
        var bytes = GC.GetAllocatedBytesForCurrentThread() - before;

        // 112 B: the stream alone, its write gate a flag and a waiter list made on the first contention
        // (FrameCheckingWriteGateTests); 192 B before (a 104 B stream, a SemaphoreSlim of 64 B and its 24 B lock box).
        Assert.True(bytes <= 112, $"{bytes} B for a checked connection");
        GC.KeepAlive(stream);
    }

    [Fact]
    public void A_WebSocket_handshake_is_one_object_and_leaves_the_request_as_it_was()
    {
        _ = new EngineIoHandshake(WebSocketRequest(), DateTimeOffset.UtcNow, requestOutlivesHandshake: true);
        var context = WebSocketRequest();

        var before = GC.GetAllocatedBytesForCurrentThread();
        var handshake = new EngineIoHandshake(context, DateTimeOffset.UtcNow, requestOutlivesHandshake: true);
        var bytes = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(System.Net.IPAddress.Loopback, handshake.RemoteAddress);
        // 144 B: the handshake (120) and its headers' lock (24); 200 B before. Before, the request kept a ConnectionInfo (56 B, from
        // reading HttpContext.Connection) and its parsed query (~0.4 KB, from reading Request.Query) for as long as the
        // WebSocket lasted; the query is parsed now when the handshake's Query is first read (EngineIoQueryTests).
        Assert.True(bytes <= 144, $"{bytes} B for a WebSocket handshake");
        Assert.False(handshake.HasParsedQuery);
        Assert.Null(context.Features.Get<IQueryFeature>());
    }

    [Fact]
    public void A_sockets_handshake_keeps_one_reference_to_what_the_connection_already_holds()
    {
        var request = new EngineIoHandshake(WebSocketRequest(), DateTimeOffset.UtcNow, requestOutlivesHandshake: true);
        _ = new SocketHandshake(request, default);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var handshake = new SocketHandshake(request, default);
        var bytes = GC.GetAllocatedBytesForCurrentThread() - before;

        // 56 B: the object's header, the connection's handshake, the auth payload and the time. 96 B before: the headers,
        // query, address, URL and HTTPS flag that only a remote node's socket holds were fields of every handshake, and
        // the cross-domain flag a copy of what the connection knows.
        Assert.True(bytes <= 56, $"{bytes} B for a socket's handshake");
        Assert.Same(request.Headers, handshake.Headers);
        Assert.Equal(System.Net.IPAddress.Loopback, handshake.Address);
        Assert.Equal(request.Url, handshake.Url);
        Assert.False(handshake.IsCrossDomain);
        Assert.False(handshake.IsSecure);
    }

    [Fact]
    public void A_remote_sockets_handshake_gives_back_what_its_node_sent()
    {
        var headers = new HeaderDictionary { ["origin"] = "https://example.com" };
        var query = new QueryCollection(new Dictionary<string, Microsoft.Extensions.Primitives.StringValues> { ["room"] = "a" });
        var issued = new DateTimeOffset(2026, 12, 6, 11, 0, 0, TimeSpan.FromHours(1));

        var handshake = new SocketHandshake(headers, query, default, issued, System.Net.IPAddress.IPv6Loopback, isCrossDomain: true, isSecure: true, "/socket.io/?room=a");

        Assert.Same(headers, handshake.Headers);
        Assert.Same(query, handshake.Query);
        Assert.Equal(issued, handshake.Issued);
        Assert.Equal(System.Net.IPAddress.IPv6Loopback, handshake.Address);
        Assert.True(handshake.IsCrossDomain);
        Assert.True(handshake.IsSecure);
        Assert.Equal("/socket.io/?room=a", handshake.Url);
        Assert.False(handshake.User.Identity!.IsAuthenticated);
    }

    [Fact]
    public void A_socket_served_by_a_typed_hub_keeps_no_delegate_for_its_disconnect()
    {
        using var services = ConnectPathAllocationTests.Services();
        var io = services.GetRequiredService<SocketIoServer>();
        var session = ConnectPathAllocationTests.Connect(io, new DefaultHttpContext());
        var socket = Assert.Single(io.Sockets.ConnectedSockets);

        // The hub's router is told of the disconnect by the socket it routes for; it subscribed a delegate (64 B per
        // connected socket) before. That the hub's OnDisconnectedAsync still runs, in order: HubLifecycleTests.
        var disconnected = typeof(Socket).GetField(nameof(Socket.Disconnected), System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic);
        Assert.NotNull(disconnected);
        Assert.Null(disconnected.GetValue(socket));
        session.Abort(EngineIoCloseReasons.TransportClose);
        Assert.Empty(io.Sockets.ConnectedSockets);
    }

    private static DefaultHttpContext WebSocketRequest()
    {
        var context = new DefaultHttpContext();
        context.Features.Set<IHttpConnectionFeature>(new HttpConnectionFeature { RemoteIpAddress = System.Net.IPAddress.Loopback });
        var request = context.Request;
        request.QueryString = new QueryString("?EIO=4&transport=websocket");
        request.Path = "/socket.io/";
        request.Host = new HostString("localhost");
        _ = (request.PathBase, request.IsHttps, request.Headers);
        return context;
    }

    [Fact]
    public async Task Messages_wait_for_the_connect_and_for_each_other_without_a_semaphore_per_session()
    {
        // The receive gate is a count with a semaphore made on the first contention: under contention it must still
        // hand messages to the handler one at a time, in order, after the connect.
        var handler = new GatedHandler();
        var server = new EngineIoServer(new EngineIoOptions(), handler);
        var session = new EngineIoSession("gate", server, isWebSocket: false, new EngineIoHandshake(new DefaultHttpContext(), DateTimeOffset.UtcNow));

        var connect = session.ConnectAsync().AsTask();
        var first = session.ReceiveAsync("4a"u8.ToArray(), isBinaryFrame: false).AsTask();
        var second = session.ReceiveAsync("4b"u8.ToArray(), isBinaryFrame: false).AsTask();
        Assert.False(first.IsCompleted);
        Assert.Equal(["connect"], handler.Calls);

        handler.Release.TrySetResult();
        await Task.WhenAll(connect, first, second).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["connect", "a", "b"], handler.Calls);
        Assert.Equal(1, handler.MostAtOnce);
        session.Abort(EngineIoCloseReasons.TransportClose);
    }

    private sealed class GatedHandler : IEngineIoHandler
    {
        private int _inside;

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<string> Calls { get; } = [];

        public int MostAtOnce { get; private set; }

        public async ValueTask OnConnectedAsync(EngineIoSession session)
        {
            Enter("connect");
            await Release.Task;
            Interlocked.Decrement(ref _inside);
        }

        public async ValueTask OnMessageAsync(EngineIoSession session, EngineMessage message)
        {
            Enter(System.Text.Encoding.UTF8.GetString(message.Data.Span));
            await Task.Yield();
            Interlocked.Decrement(ref _inside);
        }

        public void OnClosed(EngineIoSession session, string reason)
        {
        }

        private void Enter(string call)
        {
            MostAtOnce = Math.Max(MostAtOnce, Interlocked.Increment(ref _inside));
            lock (Calls)
                Calls.Add(call);
        }
    }

    // What setting the four features costs the test's DefaultHttpContext itself, with a feature object made once.
    private static long FeatureCollectionOverhead()
    {
        var context = Upgradable();
        var shared = new object();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var features = context.Features;
        features[typeof(IFrameCheckFeature)] = shared;
        features.Set(features.Get<IHttpUpgradeFeature>());
        features.Set(features.Get<IHttpExtendedConnectFeature>());
        features.Set(features.Get<IHttpRequestLifetimeFeature>());
        features.Set<IHttpWebSocketFeature>(null);
        GC.KeepAlive(shared);
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static DefaultHttpContext Upgradable()
    {
        var context = new DefaultHttpContext();
        var upgrade = new Upgrade();
        context.Features.Set<IHttpUpgradeFeature>(upgrade);
        context.Features.Set<IHttpExtendedConnectFeature>(upgrade);
        context.Features.Set<IHttpRequestLifetimeFeature>(upgrade);
        return context;
    }

    private sealed class Upgrade : IHttpUpgradeFeature, IHttpExtendedConnectFeature, IHttpRequestLifetimeFeature
    {
        public bool IsUpgradableRequest => true;

        public bool IsExtendedConnect => false;

        public string? Protocol => null;

        public CancellationToken RequestAborted { get; set; }

        public Task<Stream> UpgradeAsync() => Task.FromResult<Stream>(Stream.Null);

        public ValueTask<Stream> AcceptAsync() => ValueTask.FromResult<Stream>(Stream.Null);

        public void Abort()
        {
        }
    }
}
