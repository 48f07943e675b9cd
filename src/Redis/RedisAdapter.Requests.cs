using System.Collections.Concurrent;
using System.Text.Json;
using TypedIo.Redis.Protocol;
using TypedIo.SocketIo;

namespace TypedIo.Redis;

// What this node asks of the others, and the answers it waits for.
public sealed partial class RedisAdapter
{
    private readonly ConcurrentDictionary<string, PendingRequest> _requests = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PendingBroadcastAck> _ackRequests = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public override async Task<IReadOnlyList<RemoteSocket>> FetchSocketsAsync(BroadcastOptions options)
    {
        var local = await base.FetchSocketsAsync(options).ConfigureAwait(false);
        if ((options.Flags & BroadcastFlags.Local) != 0)
            return local;
        var numSub = await ServerCountAsync().ConfigureAwait(false);
        if (numSub <= 1)
            return local;
        var request = new PendingRequest(RedisRequestType.RemoteFetch, numSub);
        request.Sockets.AddRange(local);
        var requestId = Register(request);
        Publish(_channels.Request, RedisJson.Write(w =>
        {
            w.WriteString("uid"u8, Uid);
            w.WriteString("requestId"u8, requestId);
            w.WriteNumber("type"u8, (int)RedisRequestType.RemoteFetch);
            RedisJson.WriteRoomsOptions(w, options);
        }));
        await request.Completion.Task.ConfigureAwait(false);
        lock (request)
            return [.. request.Sockets];
    }

    /// <inheritdoc />
    public override async Task<IReadOnlySet<string>> AllRoomsAsync()
    {
        var local = RoomNames();
        var numSub = await ServerCountAsync().ConfigureAwait(false);
        if (numSub <= 1)
            return local;
        var request = new PendingRequest(RedisRequestType.AllRooms, numSub);
        request.Rooms.UnionWith(local);
        var requestId = Register(request);
        Publish(_channels.Request, RedisJson.Write(w =>
        {
            w.WriteString("uid"u8, Uid);
            w.WriteString("requestId"u8, requestId);
            w.WriteNumber("type"u8, (int)RedisRequestType.AllRooms);
        }));
        await request.Completion.Task.ConfigureAwait(false);
        lock (request)
            return new HashSet<string>(request.Rooms, StringComparer.Ordinal);
    }

    /// <inheritdoc />
    public override void AddSockets(BroadcastOptions options, IReadOnlyCollection<string> rooms)
    {
        base.AddSockets(options, rooms);
        if ((options.Flags & BroadcastFlags.Local) == 0)
            PublishRoomsRequest(RedisRequestType.RemoteJoin, options, rooms);
    }

    /// <inheritdoc />
    public override void DeleteSockets(BroadcastOptions options, IReadOnlyCollection<string> rooms)
    {
        base.DeleteSockets(options, rooms);
        if ((options.Flags & BroadcastFlags.Local) == 0)
            PublishRoomsRequest(RedisRequestType.RemoteLeave, options, rooms);
    }

    private void PublishRoomsRequest(RedisRequestType type, BroadcastOptions options, IReadOnlyCollection<string> rooms) =>
        Publish(_channels.Request, RedisJson.Write(w =>
        {
            w.WriteString("uid"u8, Uid);
            w.WriteNumber("type"u8, (int)type);
            RedisJson.WriteRoomsOptions(w, options);
            RedisJson.WriteStrings(w, "rooms"u8, rooms);
        }));

    /// <inheritdoc />
    public override void DisconnectSockets(BroadcastOptions options, bool close)
    {
        base.DisconnectSockets(options, close);
        if ((options.Flags & BroadcastFlags.Local) != 0)
            return;
        Publish(_channels.Request, RedisJson.Write(w =>
        {
            w.WriteString("uid"u8, Uid);
            w.WriteNumber("type"u8, (int)RedisRequestType.RemoteDisconnect);
            RedisJson.WriteRoomsOptions(w, options);
            w.WriteBoolean("close"u8, close);
        }));
    }

    /// <inheritdoc />
    public override void ServerSideEmit(string eventName, object?[] args) =>
        Publish(_channels.Request, RedisJson.Write(w =>
        {
            w.WriteString("uid"u8, Uid);
            w.WriteNumber("type"u8, (int)RedisRequestType.ServerSideEmit);
            WriteEventData(w, eventName, args);
        }));

    /// <inheritdoc />
    public override async Task<ServerSideAckResult> ServerSideEmitWithAckAsync(string eventName, object?[] args, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var numSub = await ServerCountAsync().ConfigureAwait(false) - 1; // not this node
        if (numSub <= 0)
            return ServerSideAckResult.Empty;
        var request = new PendingRequest(RedisRequestType.ServerSideEmit, numSub) { MessageCount = 0 };
        var requestId = Register(request, timeout == Timeout.InfiniteTimeSpan ? _options.RequestsTimeout : timeout);
        using var registration = cancellationToken.Register(static state => ((PendingRequest)state!).Completion.TrySetCanceled(), request);
        Publish(_channels.Request, RedisJson.Write(w =>
        {
            w.WriteString("uid"u8, Uid);
            w.WriteString("requestId"u8, requestId);
            w.WriteNumber("type"u8, (int)RedisRequestType.ServerSideEmit);
            WriteEventData(w, eventName, args);
        }));
        try
        {
            await request.Completion.Task.ConfigureAwait(false);
        }
        finally
        {
            Forget(requestId);
        }
        lock (request)
            return new ServerSideAckResult([.. request.Responses], Math.Max(0, numSub - request.Responses.Count));
    }

    private void WriteEventData(Utf8JsonWriter writer, string eventName, object?[] args)
    {
        writer.WriteStartArray("data"u8);
        writer.WriteStringValue(eventName);
        foreach (var arg in args)
            RedisJson.WriteValue(writer, arg, _parser.SerializerOptions);
        writer.WriteEndArray();
    }

    /// <inheritdoc />
    public override async ValueTask BroadcastWithAckAsync(EncodedPacket packet, long ackId, BroadcastOptions options, IBroadcastAckReceiver receiver)
    {
        ArgumentNullException.ThrowIfNull(packet);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(receiver);
        if ((options.Flags & BroadcastFlags.Local) == 0)
        {
            var requestId = Protocol.Uid.New();
            _ackRequests[requestId] = new PendingBroadcastAck(receiver);
            Publish(_channels.Request, BroadcastMessage.EncodeBroadcastRequest(Uid, requestId, packet, options));
            // As Node's adapter: the other nodes' answers are relayed for as long as the broadcast waits, then forgotten.
            // (A broadcast without timeout keeps relaying until the namespace closes.)
            if (options.Timeout is { } timeout)
                _ = ForgetAfterAsync(requestId, timeout);
        }
        await base.BroadcastWithAckAsync(packet, ackId, options, receiver).ConfigureAwait(false);
    }

    private async Task ForgetAfterAsync(string requestId, TimeSpan timeout)
    {
        try
        {
            await Task.Delay(timeout, _closed.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        _ackRequests.TryRemove(requestId, out _);
    }

    private string Register(PendingRequest request, TimeSpan? timeout = null)
    {
        var requestId = Protocol.Uid.New();
        _requests[requestId] = request;
        _ = TimeOutAsync(requestId, request, timeout ?? _options.RequestsTimeout);
        return requestId;
    }

    /// <summary>At the timeout, the request completes with what came (Node's fails for fetchSockets and allRooms).</summary>
    private async Task TimeOutAsync(string requestId, PendingRequest request, TimeSpan timeout)
    {
        var completed = await Task.WhenAny(request.Completion.Task, Task.Delay(timeout, _closed.Token)).ConfigureAwait(false);
        Forget(requestId);
        if (completed == request.Completion.Task)
            return;
        int answered;
        lock (request)
            answered = request.Type == RedisRequestType.ServerSideEmit ? request.Responses.Count : request.MessageCount;
        if (request.Completion.TrySetResult())
            RedisLog.RequestTimedOut(_logger, request.Type.ToString(), Namespace.Name, answered, request.Expected);
    }

    private void Forget(string requestId) => _requests.TryRemove(requestId, out _);

    private void CancelPendingRequests()
    {
        foreach (var (id, request) in _requests)
        {
            Forget(id);
            request.Completion.TrySetResult();
        }
        _ackRequests.Clear();
    }

    /// <summary>A request waiting for the other nodes' answers.</summary>
    private sealed class PendingRequest(RedisRequestType type, int expected)
    {
        public RedisRequestType Type { get; } = type;

        /// <summary>How many answers complete it: the node count (this node's own answer counted in <see cref="MessageCount"/>), or the other nodes for a server-side emit.</summary>
        public int Expected { get; } = expected;

        /// <summary>Answers so far; starts at 1 for this node's own part, as Node's does.</summary>
        public int MessageCount { get; set; } = 1;

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<RemoteSocket> Sockets { get; } = [];

        public HashSet<string> Rooms { get; } = new(StringComparer.Ordinal);

        public List<JsonElement> Responses { get; } = [];
    }

    /// <summary>A broadcast with ack this node started: relays the other nodes' counts and their clients' answers.</summary>
    private sealed class PendingBroadcastAck(IBroadcastAckReceiver receiver)
    {
        public void OnCount(int count) => receiver.OnSent(count);

        public void OnAnswer(SocketArgs answer) => receiver.OnAck(new SocketAckResponse("", answer));
    }
}
