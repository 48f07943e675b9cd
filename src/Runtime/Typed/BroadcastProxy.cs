using System.ComponentModel;
using TypedIo.SocketIo;

namespace TypedIo;

/// <summary>Creates a generated broadcast emitter (the generator implements it).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IBroadcastProxy<TSelf>
    where TSelf : IBroadcastProxy<TSelf>
{
    /// <summary>An emitter to the sockets <paramref name="target"/> selects.</summary>
    static abstract TSelf Create(BroadcastOperator target, TimeSpan? ackTimeout);
}

/// <summary>
/// The base of a generated emitter to many sockets, over the broadcast operator (a packet is encoded once). An event
/// with a value waits for every targeted socket's ack and returns them all, with the sockets that did not answer.
/// </summary>
/// <typeparam name="TSelf">The generated emitter.</typeparam>
public abstract class BroadcastProxy<TSelf>
    where TSelf : BroadcastProxy<TSelf>, IBroadcastProxy<TSelf>
{
    private readonly TimeSpan? _ackTimeout;

    /// <summary>Creates the emitter.</summary>
    protected BroadcastProxy(BroadcastOperator target, TimeSpan? ackTimeout)
    {
        ArgumentNullException.ThrowIfNull(target);
        Target = target;
        _ackTimeout = ackTimeout;
    }

    /// <summary>The sockets emitted to.</summary>
    public BroadcastOperator Target { get; }

    /// <summary>Also the sockets in <paramref name="room"/>.</summary>
    public TSelf To(string room) => TSelf.Create(Target.To(room), _ackTimeout);

    /// <summary>Not the sockets in <paramref name="room"/>.</summary>
    public TSelf Except(string room) => TSelf.Create(Target.Except(room), _ackTimeout);

    /// <summary>Only the sockets of this server node.</summary>
    public TSelf Local => TSelf.Create(Target.Local, _ackTimeout);

    /// <summary>Dropped for sockets that cannot take it right away.</summary>
    public TSelf Volatile => TSelf.Create(Target.Volatile, _ackTimeout);

    /// <summary>With compression switched on or off.</summary>
    public TSelf Compress(bool compress) => TSelf.Create(Target.Compress(compress), _ackTimeout);

    /// <summary>The same emitter with another ack timeout.</summary>
    public TSelf WithTimeout(TimeSpan ackTimeout) => TSelf.Create(Target, ackTimeout);

    /// <summary>How long acks are waited for: the per-call timeout, else <see cref="SocketIoOptions.AckTimeout"/>.</summary>
    public TimeSpan AckTimeout => _ackTimeout ?? Target.Namespace.Server.Options.AckTimeout;

    /// <summary>Emits an event without ack.</summary>
    protected Task EmitAsync(string eventName, object?[] args) => Target.EmitAsync(eventName, args).AsTask();

    /// <summary>Emits an event without ack whose arguments are received ones, as they came (a <see cref="SocketArgs"/> parameter).</summary>
    protected Task EmitAsync(string eventName, SocketArgs args) => Target.EmitAsync(eventName, args).AsTask();

    /// <summary>Emits an event with an ack to every targeted socket and collects the answers.</summary>
    protected async Task<BroadcastAckResult<T>> InvokeAsync<T>(string eventName, object?[] args, bool allowsNull, CancellationToken cancellationToken)
    {
        var result = await Target.EmitWithAckAsync(eventName, args, AckTimeout, cancellationToken).ConfigureAwait(false);
        var responses = new List<SocketAckResponse<T>>(result.Responses.Count);
        List<string>? invalid = null;
        foreach (var response in result.Responses)
        {
            if (AckReply.TryRead<T>(response.Args, allowsNull, out var value, out _))
                responses.Add(new SocketAckResponse<T>(response.SocketId, value));
            else
                (invalid ??= []).Add(response.SocketId);
        }
        return new BroadcastAckResult<T>(responses, result.TimedOut, invalid ?? [], result.UnreportedNodes);
    }
}

/// <summary>One socket's answer to a broadcast with ack.</summary>
public readonly record struct SocketAckResponse<T>(string SocketId, T Value);

/// <summary>
/// Every answer to a broadcast with ack: the values, the sockets that did not answer in time (or disconnected first),
/// and those whose answer did not fit <typeparamref name="T"/>.
/// </summary>
public sealed class BroadcastAckResult<T>
{
    internal BroadcastAckResult(IReadOnlyList<SocketAckResponse<T>> responses, IReadOnlyList<string> timedOut, IReadOnlyList<string> invalid, int unreportedNodes = 0)
    {
        UnreportedNodes = unreportedNodes;
        Responses = responses;
        TimedOut = timedOut;
        Invalid = invalid;
    }

    /// <summary>The answers, in arrival order.</summary>
    public IReadOnlyList<SocketAckResponse<T>> Responses { get; }

    /// <summary>The sockets that did not answer in time.</summary>
    public IReadOnlyList<string> TimedOut { get; }

    /// <summary>The sockets whose answer did not fit the declared type.</summary>
    public IReadOnlyList<string> Invalid { get; }

    /// <summary>How many server nodes did not report whom they sent to before the timeout (see <see cref="TypedIo.SocketIo.BroadcastAckResult.UnreportedNodes"/>).</summary>
    public int UnreportedNodes { get; }

    /// <summary>Whether every targeted socket answered with a valid value.</summary>
    public bool IsComplete => TimedOut.Count == 0 && Invalid.Count == 0 && UnreportedNodes == 0;
}
