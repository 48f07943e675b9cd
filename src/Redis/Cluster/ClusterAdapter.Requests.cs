using System.Collections.Concurrent;
using System.Text.Json;
using TypedIo.Redis.Protocol;
using TypedIo.SocketIo;

namespace TypedIo.Redis.Cluster;

// What this node asks of the others, and the answers it waits for.
public abstract partial class ClusterAdapter
{
    private readonly ConcurrentDictionary<string, ClusterRequest> _requests = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IBroadcastAckReceiver> _ackRequests = new(StringComparer.Ordinal);

    /// <summary>
    /// The request that waits for the other nodes' answers, given how many nodes there are (socket.io-adapter waits for
    /// <c>serverCount - 1</c> answers). A cluster that tracks its nodes overrides it to wait for those nodes by name.
    /// </summary>
    private protected virtual ClusterRequest NewRequest(ClusterMessageType type, int serverCount) => new(type, serverCount - 1);

    /// <inheritdoc />
    public override async Task<IReadOnlyList<RemoteSocket>> FetchSocketsAsync(BroadcastOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var local = await base.FetchSocketsAsync(options).ConfigureAwait(false);
        if ((options.Flags & BroadcastFlags.Local) != 0)
            return local;
        var request = NewRequest(ClusterMessageType.FetchSockets, await ServerCountAsync().ConfigureAwait(false));
        if (request.Expected <= 0)
            return local;
        request.Sockets.AddRange(local);
        var requestId = NewId();
        _requests[requestId] = request;
        Publish(NewMessage(ClusterMessageType.FetchSockets, w =>
        {
            ClusterJson.WriteOptions(w, options);
            w.WriteString("requestId"u8, requestId);
        }));
        await WaitAsync(requestId, request, options.Timeout ?? RequestsTimeout, CancellationToken.None).ConfigureAwait(false);
        lock (request)
            return [.. request.Sockets];
    }

    /// <summary>
    /// Every room of the namespace across the cluster. The cluster protocol has no such request (Node's sharded and
    /// streams adapters cannot answer it); the rooms of every socket of the cluster are the same set, so they are
    /// fetched instead.
    /// </summary>
    public override async Task<IReadOnlySet<string>> AllRoomsAsync()
    {
        var rooms = new HashSet<string>(RoomNames(), StringComparer.Ordinal);
        foreach (var socket in await FetchSocketsAsync(BroadcastOptions.All).ConfigureAwait(false))
            rooms.UnionWith(socket.Rooms);
        return rooms;
    }

    /// <inheritdoc />
    public override async Task<ServerSideAckResult> ServerSideEmitWithAckAsync(string eventName, object?[] args, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var request = NewRequest(ClusterMessageType.ServerSideEmit, await ServerCountAsync().ConfigureAwait(false));
        if (request.Expected <= 0)
            return ServerSideAckResult.Empty;
        var packet = Parser.EncodeEvent(Namespace.Name, eventName, args);
        var requestId = NewId();
        _requests[requestId] = request;
        Publish(NewMessage(ClusterMessageType.ServerSideEmit, w =>
        {
            w.WriteString("requestId"u8, requestId);
            w.WritePropertyName("packet"u8);
            w.WriteRawValue(packet.Data.Span, skipInputValidation: true);
        }, ClusterJson.Attachments(packet)));
        await WaitAsync(requestId, request, timeout == Timeout.InfiniteTimeSpan ? RequestsTimeout : timeout, cancellationToken).ConfigureAwait(false);
        lock (request)
            return new ServerSideAckResult([.. request.Responses], Math.Max(0, request.Expected - request.Responses.Count));
    }

    /// <inheritdoc />
    public override async ValueTask BroadcastWithAckAsync(EncodedPacket packet, long ackId, BroadcastOptions options, IBroadcastAckReceiver receiver)
    {
        ArgumentNullException.ThrowIfNull(packet);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(receiver);
        if ((options.Flags & BroadcastFlags.Local) == 0)
        {
            var requestId = NewId();
            _ackRequests[requestId] = receiver;
            Publish(NewBroadcast(packet, options, requestId));
            // As socket.io-adapter: the other nodes' answers are relayed for as long as the broadcast waits, then
            // forgotten (a broadcast without timeout relays until the namespace closes).
            if (options.Timeout is { } timeout)
                _ = ForgetAckRequestAfterAsync(requestId, timeout);
        }
        await base.BroadcastWithAckAsync(packet, ackId, options, receiver).ConfigureAwait(false);
    }

    private async Task ForgetAckRequestAfterAsync(string requestId, TimeSpan timeout)
    {
        try
        {
            await Task.Delay(timeout, Closed).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        _ackRequests.TryRemove(requestId, out _);
    }

    /// <summary>
    /// Waits until the request completes, or its timeout passes (then it completes with the answers that came, where
    /// Node's fails or, without a timeout, would wait forever), or the caller cancels.
    /// </summary>
    private async Task WaitAsync(string requestId, ClusterRequest request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(Closed, cancellationToken);
            var completed = await Task.WhenAny(request.Completion.Task, Task.Delay(timeout, linked.Token)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            if (completed != request.Completion.Task && request.Completion.TrySetResult())
            {
                int answered;
                lock (request)
                    answered = request.Answered;
                RedisLog.RequestTimedOut(Logger, request.Type.ToString(), Namespace.Name, answered, request.Expected);
            }
        }
        finally
        {
            _requests.TryRemove(requestId, out _);
        }
    }

    private void CompletePendingRequests()
    {
        foreach (var (id, request) in _requests)
        {
            _requests.TryRemove(id, out _);
            request.Completion.TrySetResult();
        }
        _ackRequests.Clear();
    }

    /// <summary>
    /// A response of another node to a request of this one (socket.io-adapter's <c>onResponse</c>); responses to
    /// requests this node does not know (another node's, or too late) are ignored.
    /// </summary>
    private protected virtual void OnResponse(ClusterMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.RequestId is not { } requestId)
            throw new FormatException("A response carries a request id.");
        switch (response.Type)
        {
            case ClusterMessageType.BroadcastClientCount:
                if (_ackRequests.TryGetValue(requestId, out var counted))
                {
                    if (!response.TryGet("clientCount"u8, out var count) || !count.TryGetInt32(out var clients) || clients < 0)
                        throw new FormatException("A client count is a number.");
                    counted.OnSent(clients);
                }
                break;

            case ClusterMessageType.BroadcastAck:
                if (_ackRequests.TryGetValue(requestId, out var acked))
                    acked.OnAck(new SocketAckResponse("", response.ReadValueAsArgs("packet"u8)));
                break;

            case ClusterMessageType.FetchSocketsResponse:
                if (_requests.TryGetValue(requestId, out var fetch) && fetch.Type == ClusterMessageType.FetchSockets)
                {
                    var sockets = new List<RemoteSocket>();
                    if (response.TryGet("sockets"u8, out var list) && list.ValueKind == JsonValueKind.Array)
                    {
                        foreach (var socket in list.EnumerateArray())
                            sockets.Add(RedisJson.ReadSocket(this, socket));
                    }
                    Answer(fetch, response.Uid, r => r.Sockets.AddRange(sockets));
                }
                break;

            case ClusterMessageType.ServerSideEmitResponse:
                if (_requests.TryGetValue(requestId, out var emit) && emit.Type == ClusterMessageType.ServerSideEmit)
                {
                    var answer = response.TryGet("packet"u8, out var packet) ? packet.Clone() : default;
                    Answer(emit, response.Uid, r => r.Responses.Add(answer));
                }
                break;

            default:
                throw new FormatException($"Unknown response type {(int)response.Type}.");
        }
    }

    private static void Answer(ClusterRequest request, string uid, Action<ClusterRequest> add)
    {
        bool complete;
        lock (request)
        {
            if (request.Completion.Task.IsCompleted || !request.Accepts(uid))
                return;
            add(request);
            complete = request.Answer(uid);
        }
        if (complete)
            request.Completion.TrySetResult();
    }
}
