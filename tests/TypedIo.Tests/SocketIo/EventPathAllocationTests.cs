using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using TypedIo.EngineIo;
using TypedIo.Fixture.Hubs;
using TypedIo.SocketIo;
using Xunit.Abstractions;

namespace TypedIo.Tests.SocketIo;

/// <summary>
/// What one event costs on the whole Socket.IO path, from the bytes of a received Engine.IO message to the frame
/// queued on the session: decode, route, dispatch to the handler, ack or emit, encode, queue. The handlers are the
/// fixture's own (the benchmarks' <c>ack</c> and <c>echo</c> scenarios), served in process on a session without a
/// transport, so nothing but this path runs on the test's thread. Bytes allocated on that thread are exact; each figure
/// is an average over many events, so one-time set-up is excluded. The bounds hold for the Release build the tests run
/// in (in a Debug build, async methods allocate their state machines even when they complete synchronously).
/// </summary>
public sealed class EventPathAllocationTests : IDisposable
{
    private static readonly string Payload = new('x', 64);

    private readonly ServiceProvider _services;
    private readonly IEngineIoHandler _handler;
    private readonly EngineIoSession _session;

    private readonly ITestOutputHelper _output;

    public EventPathAllocationTests(ITestOutputHelper output)
    {
        _output = output;
        var services = new ServiceCollection();
        services.AddTypedIo();
        services.AddSocketHub<MainHub>();
        _services = services.BuildServiceProvider();
        var io = _services.GetRequiredService<SocketIoServer>();
        io.MapHub<MainHub>();
        _handler = io;
        _session = new EngineIoSession("event-path", io.Engine, isWebSocket: false, new EngineIoHandshake(new DefaultHttpContext(), DateTimeOffset.UtcNow));
        _handler.OnConnectedAsync(_session).AsTask().GetAwaiter().GetResult();
        _handler.OnMessageAsync(_session, Text("0")).AsTask().GetAwaiter().GetResult();
        var connected = Drain();
        Assert.StartsWith("40{\"sid\":", connected[0]);
        Assert.StartsWith("42[\"welcome\",", connected[1]);
    }

    public void Dispose()
    {
        _session.Abort(EngineIoCloseReasons.TransportClose);
        _services.Dispose();
    }

    [Fact]
    public void An_event_with_ack_answered_from_its_arguments()
    {
        // socket.On("ack", e => e.Ack(e.Args)): the benchmark's ack round trip.
        var message = Text($"21[\"ack\",\"{Payload}\"]");
        Assert.Equal([$"431[\"{Payload}\"]"], Handle(message));

        // 320 B: the arguments with a copy of the payload's bytes (64 + 104 B), the event (48 B), the reply frame's bytes
        // with their WebSocket header (104 B; 96 B without it). No packet object, no frame list, and no JSON tree: the
        // reply is written from the received bytes. Before: 784 B before the cuts of 2026-12-05; 576 B before the event
        // kept its ack id and answered flag in one field; 568 B while the handler answered e.Args.ToEmitArgs() (the tree
        // that needs, JsonDocument and its metadata 160 B, the argument array and the boxed JsonElement 32 + 32 B), until
        // SocketEvent.Ack(SocketArgs); 344 B while SocketArgs was 88 B (a tree's fields next to the bytes' ones), 2026-12-06.
        var bytes = AllocatedPerEvent(message);
        Assert.True(bytes <= 324, $"{bytes} B per event with ack");
    }

    [Fact]
    public void An_event_echoed_by_a_hub_method()
    {
        // MainHub.Echo(SocketArgs args) => Clients.Caller.Echo(args): the benchmark's echo.
        var message = Text($"2[\"echo\",\"{Payload}\"]");
        Assert.Equal([$"42[\"echo\",\"{Payload}\"]"], Handle(message));

        // 352 B: as the ack, plus the hub's bound argument array (32 B). Before: 864 B before the cuts of 2026-12-05, 648 B
        // before 2026-12-06; 640 B while Echo took params object?[] (bound through SocketArgs.ToEmitArgs: the tree, the
        // array and the boxed element, 224 B), until SocketArgs parameters; 416 B while HubInvocation was an object
        // (40 B) and SocketArgs 88 B, 2026-12-06.
        var bytes = AllocatedPerEvent(message);
        Assert.True(bytes <= 356, $"{bytes} B per echo");
    }

    [Fact]
    public void An_ack_with_several_arguments_and_binary_is_answered_unchanged()
    {
        Assert.Equal(["431[\"a\",{\"b\":[1,2]},null,7]"], Handle(Text("21[\"ack\",\"a\",{\"b\":[1,2]},null,7]")));

        Assert.Empty(Handle(Text("51-2[\"ack\",{\"_placeholder\":true,\"num\":0},\"x\"]")));
        var frames = HandleFrames(new EngineMessage(new byte[] { 1, 2, 3 }, isBinary: true));
        Assert.Equal(2, frames.Count);
        Assert.Equal("461-2[{\"_placeholder\":true,\"num\":0},\"x\"]", Encoding.UTF8.GetString(frames[0].Bytes.Span));
        Assert.True(frames[1].IsBinary);
        Assert.Equal(new byte[] { 1, 2, 3 }, frames[1].Bytes.ToArray());
    }

    private double AllocatedPerEvent(EngineMessage message, int events = 500)
    {
        for (var i = 0; i < 20; i++)
            HandleUnchecked(message);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < events; i++)
            HandleUnchecked(message);
        var bytes = (double)(GC.GetAllocatedBytesForCurrentThread() - before) / events;
        _output.WriteLine($"{bytes} B per event");
        return bytes;
    }

    // The path is synchronous here (no handler awaits anything): the frame is queued when the call returns.
    private void HandleUnchecked(EngineMessage message)
    {
        var handled = _handler.OnMessageAsync(_session, message);
        if (!handled.IsCompletedSuccessfully || !_session.Outbound.TryRead(out _) || _session.Outbound.Count != 0)
            throw new InvalidOperationException("The event was not answered with one frame synchronously.");
    }

    private string[] Handle(EngineMessage message) =>
        [.. HandleFrames(message).Select(frame => Encoding.UTF8.GetString(frame.Bytes.Span))];

    private List<EngineFrame> HandleFrames(EngineMessage message)
    {
        var handled = _handler.OnMessageAsync(_session, message);
        Assert.True(handled.IsCompletedSuccessfully);
        var frames = new List<EngineFrame>();
        while (_session.Outbound.TryRead(out var frame))
            frames.Add(frame);
        return frames;
    }

    private string[] Drain()
    {
        var frames = new List<string>();
        while (_session.Outbound.TryRead(out var frame))
            frames.Add(Encoding.UTF8.GetString(frame.Bytes.Span));
        return [.. frames];
    }

    private static EngineMessage Text(string text) => new(Encoding.UTF8.GetBytes(text), isBinary: false);
}
