using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using BenchmarkDotNet.Attributes;
using TypedIo.EngineIo;
using TypedIo.SocketIo;

namespace TypedIo.Benchmarks.Micro;

/// <summary>What the client sends to <see cref="EchoHub"/>.</summary>
public interface IEchoHubEvents
{
    /// <summary>Echoes every argument back as received (the fixture's <c>echo</c>).</summary>
    Task Echo(SocketArgs args);
}

/// <summary>What <see cref="EchoHub"/> sends to the client.</summary>
public interface IEchoHubClient
{
    /// <summary>The echo.</summary>
    Task Echo(params object?[] args);
}

/// <summary>The fixture's <c>echo</c> hub method and untyped <c>ack</c> handler, in the same shape (tests/Fixture).</summary>
[SocketHub("/")]
public sealed partial class EchoHub : SocketHub<IEchoHubClient>, IEchoHubEvents
{
    /// <inheritdoc />
    public override ValueTask OnConnectedAsync()
    {
        AckBack(Context.Socket);
        return ValueTask.CompletedTask;
    }

    // As the fixture registers it (FixtureHubs.AckBack): an untyped handler next to the hub's typed events.
    private static void AckBack(Socket socket) => socket.On("ack", e => e.Ack(e.Args));

    /// <inheritdoc />
    public Task Echo(SocketArgs args) => Context.Socket.EmitAsync("echo", args).AsTask();
}

/// <summary>
/// The whole Socket.IO path of one event in process, from a received Engine.IO message's bytes to the reply frame
/// queued on the session (decode, route, dispatch, bind, handler, encode, queue), without a transport: what
/// <c>EventPathAllocationTests</c> measures, timed.
/// </summary>
[MemoryDiagnoser]
public class EventPathBenchmarks
{
    private static readonly EngineMessage Echo = new(Packets.Echo, isBinary: false);
    private static readonly EngineMessage Ack = new(Packets.Ack, isBinary: false);
    private static readonly EngineMessage ObjectAck = new(Encoding.UTF8.GetBytes("21[\"ack\",{\"user\":\"alice\",\"text\":\"hello world\",\"n\":42,\"tags\":[\"a\",\"b\"],\"ok\":true}]"), isBinary: false);

    private ServiceProvider _services = null!;
    private IEngineIoHandler _handler = null!;
    private EngineIoSession _session = null!;

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddTypedIo();
        services.AddSocketHub<EchoHub>();
        _services = services.BuildServiceProvider();
        var io = _services.GetRequiredService<SocketIoServer>();
        io.MapHub<EchoHub>();
        _handler = io;
        _session = new EngineIoSession("bench", io.Engine, isWebSocket: false, new EngineIoHandshake(new DefaultHttpContext(), DateTimeOffset.UtcNow));
        _handler.OnConnectedAsync(_session).AsTask().GetAwaiter().GetResult();
        _handler.OnMessageAsync(_session, new EngineMessage("0"u8.ToArray(), isBinary: false)).AsTask().GetAwaiter().GetResult();
        while (_session.Outbound.TryRead(out _))
        {
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _session.Abort(EngineIoCloseReasons.TransportClose);
        _services.Dispose();
    }

    [Benchmark(Description = "event path: echo by a typed hub method")]
    public EngineFrame EchoByHub() => Handle(Echo);

    [Benchmark(Description = "event path: ack relaying e.Args, string")]
    public EngineFrame AckString() => Handle(Ack);

    [Benchmark(Description = "event path: ack relaying e.Args, object")]
    public EngineFrame AckObject() => Handle(ObjectAck);

    private EngineFrame Handle(EngineMessage message)
    {
        var handled = _handler.OnMessageAsync(_session, message);
        if (!handled.IsCompletedSuccessfully || !_session.Outbound.TryRead(out var frame))
            throw new InvalidOperationException("The event was not answered synchronously.");
        return frame;
    }
}
