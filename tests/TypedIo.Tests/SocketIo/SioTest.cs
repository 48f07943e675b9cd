using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TypedIo.EngineIo;
using TypedIo.SocketIo;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Tests.SocketIo;

/// <summary>Helpers shared by the Socket.IO integration tests.</summary>
internal static class SioTest
{
    /// <summary>How long a test waits for something that should happen promptly (generous: the machine is shared).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>A Kestrel host serving a Socket.IO server configured by <paramref name="configure"/>.</summary>
    public static Task<TestHost> StartAsync(
        Action<SocketIoServer> configure,
        Action<SocketIoOptions>? options = null,
        Action<IServiceCollection>? services = null) =>
        TestHost.StartAsync(
            app => app.MapTypedIo(configure),
            s =>
            {
                s.AddTypedIo(options);
                services?.Invoke(s);
            });

    /// <summary>A host whose main namespace echoes <c>echo</c> events and reports its sockets.</summary>
    public static Task<TestHost> StartEchoAsync(Recorder<Socket> sockets, Action<SocketIoServer>? configure = null, Action<SocketIoOptions>? options = null) =>
        StartAsync(io =>
        {
            io.Of("/").OnConnection(socket =>
            {
                socket.On("echo", e => socket.EmitAsync("echo", e.Args.ToEmitArgs()));
                sockets.Add(socket);
            });
            configure?.Invoke(io);
        }, options);

    public static SocketIoServer GetRequiredSocketIo(this IServiceProvider services) => services.GetRequiredService<SocketIoServer>();

    public static TaskCompletionSource<T> Signal<T>() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static Task<T> Within<T>(this Task<T> task) => task.WaitAsync(Timeout);

    public static Task Within(this Task task) => task.WaitAsync(Timeout);

    /// <summary>A task completing with the reason of the socket's <see cref="Socket.Disconnected"/> event.</summary>
    public static Task<string> DisconnectedReason(this Socket socket)
    {
        var reason = Signal<string>();
        socket.Disconnected += (_, r) => reason.TrySetResult(r);
        return reason.Task;
    }
}

/// <summary>Collects values from server callbacks; a test takes them in order, with a timeout.</summary>
internal sealed class Recorder<T>
{
    private readonly Channel<T> _channel = Channel.CreateUnbounded<T>();

    public void Add(T value) => _channel.Writer.TryWrite(value);

    public async Task<T> NextAsync()
    {
        using var cts = new CancellationTokenSource(SioTest.Timeout);
        try
        {
            return await _channel.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"Nothing recorded within {SioTest.Timeout}.");
        }
    }

    public bool TryNext(out T? value) => _channel.Reader.TryRead(out value);
}

/// <summary>
/// Real time, except timers: they fire only when a test fires them. The Engine.IO heartbeat timer therefore never
/// ticks; connect-timeout and ack-timeout timers fire exactly when the test says.
/// </summary>
internal sealed class ManualTimers : TimeProvider
{
    private readonly ConcurrentDictionary<ManualTimer, byte> _timers = new();

    /// <summary>Fires every live timer created with <paramref name="dueTime"/>; returns how many fired.</summary>
    public int Fire(TimeSpan dueTime)
    {
        var fired = 0;
        foreach (var timer in _timers.Keys)
        {
            if (timer.DueTime == dueTime && _timers.ContainsKey(timer))
            {
                timer.Callback(timer.State);
                fired++;
            }
        }
        return fired;
    }

    /// <summary>How many live timers were created with <paramref name="dueTime"/>.</summary>
    public int Count(TimeSpan dueTime)
    {
        var count = 0;
        foreach (var timer in _timers.Keys)
        {
            if (timer.DueTime == dueTime)
                count++;
        }
        return count;
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state, dueTime);
        _timers[timer] = 0;
        return timer;
    }

    private sealed class ManualTimer(ManualTimers owner, TimerCallback callback, object? state, TimeSpan dueTime) : ITimer
    {
        public TimerCallback Callback { get; } = callback;
        public object? State { get; } = state;
        public TimeSpan DueTime { get; private set; } = dueTime;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            DueTime = dueTime;
            return true;
        }

        public void Dispose() => owner._timers.TryRemove(this, out _);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>A logger provider that records every entry of the TypedIo loggers.</summary>
internal sealed class LogSink : ILoggerProvider
{
    public Recorder<(LogLevel Level, EventId Id, string Message, Exception? Exception)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    /// <summary>Waits for the first entry with event id <paramref name="eventId"/>.</summary>
    public async Task<(LogLevel Level, EventId Id, string Message, Exception? Exception)> WaitForAsync(int eventId)
    {
        while (true)
        {
            var entry = await Entries.NextAsync();
            if (entry.Id.Id == eventId)
                return entry;
        }
    }

    private sealed class Logger(LogSink sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => category.StartsWith("TypedIo", StringComparison.Ordinal);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
                sink.Entries.Add((logLevel, eventId, formatter(state, exception), exception));
        }
    }
}

/// <summary>A parser that counts what it encodes and otherwise defers to the JSON parser.</summary>
internal sealed class CountingParser(IPacketParser inner) : IPacketParser
{
    private int _events;

    public int EncodedEvents => Volatile.Read(ref _events);

    /// <summary>The packets returned by <see cref="EncodeEvent"/>, in order.</summary>
    public ConcurrentQueue<EncodedPacket> Events { get; } = new();

    public IPacketDecoder CreateDecoder() => inner.CreateDecoder();

    public EncodedPacket EncodeEvent(string nsp, string eventName, ReadOnlySpan<object?> args, long? ackId = null)
    {
        Interlocked.Increment(ref _events);
        var packet = inner.EncodeEvent(nsp, eventName, args, ackId);
        Events.Enqueue(packet);
        return packet;
    }

    public EncodedPacket EncodeAck(string nsp, long ackId, ReadOnlySpan<object?> args) => inner.EncodeAck(nsp, ackId, args);

    public EncodedPacket EncodeConnect(string nsp, object? data) => inner.EncodeConnect(nsp, data);

    public EncodedPacket EncodeConnectError(string nsp, string message, object? data = null) => inner.EncodeConnectError(nsp, message, data);

    public EncodedPacket EncodeDisconnect(string nsp) => inner.EncodeDisconnect(nsp);
}

internal static class EngineFrameExtensions
{
    /// <summary>The array under a frame's bytes (frames built by the parser are array-backed).</summary>
    public static byte[] UnderlyingArray(this EngineFrame frame)
    {
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(frame.Bytes, out var segment));
        return segment.Array!;
    }
}
