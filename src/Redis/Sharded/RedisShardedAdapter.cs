using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using TypedIo.Redis.Cluster;
using TypedIo.SocketIo;

namespace TypedIo.Redis;

/// <summary>
/// The Redis sharded pub/sub adapter of one namespace (SPUBLISH/SSUBSCRIBE, Redis 7), wire-compatible with Node's
/// <c>@socket.io/redis-adapter</c> <c>createShardedAdapter</c>: the same channels (<c>socket.io#/#</c>, this node's
/// <c>socket.io#/#UID#</c> for answers, <c>socket.io#/#room#</c> per room in the dynamic modes), the same messages
/// (socket.io-adapter's cluster protocol as JSON, or msgpack when they carry binary), so TypedIo and Node nodes serve
/// one cluster. Rooms of this node are kept in memory; the other nodes are reached through Redis.
/// </summary>
/// <remarks>
/// The server count is <c>PUBSUB SHARDNUMSUB</c> of the namespace channel, summed over the primaries of a Redis
/// cluster. A request whose nodes do not all answer completes at its timeout with the answers that came; a message
/// that cannot be read is logged and dropped; after Redis comes back, StackExchange.Redis connects and subscribes
/// again by itself while local clients stay connected.
/// Register with <c>services.AddTypedIo().AddRedisShardedAdapter(...)</c>.
/// </remarks>
public sealed class RedisShardedAdapter : ClusterAdapter
{
    private readonly IConnectionMultiplexer _redis;
    private readonly ISubscriber _subscriber;
    private readonly ShardedSubscriptionMode _mode;
    private readonly string _channel;
    private readonly string _responseChannel;
    private readonly List<ChannelMessageQueue> _queues = [];
    private readonly Dictionary<string, Task<ChannelMessageQueue>> _roomQueues = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _closed = new();

    internal RedisShardedAdapter(Namespace nsp, IConnectionMultiplexer redis, RedisShardedAdapterOptions options, ILogger logger)
        : base(nsp, logger, options.RequestsTimeout)
    {
        _redis = redis;
        _subscriber = redis.GetSubscriber();
        _mode = options.SubscriptionMode;
        _channel = options.ChannelPrefix + "#" + nsp.Name + "#";
        _responseChannel = _channel + Uid + "#";
        if (_mode != ShardedSubscriptionMode.Static)
        {
            RoomCreated += SubscribeRoom;
            RoomDeleted += UnsubscribeRoom;
        }
        Subscribed = SubscribeAsync();
    }

    /// <summary>Completes once the namespace channel and this node's response channel are subscribed.</summary>
    public Task Subscribed { get; }

    private async Task SubscribeAsync()
    {
        foreach (var channel in (string[])[_channel, _responseChannel])
        {
            var queue = await RedisSubscription.SubscribeAsync(_subscriber, RedisChannel.Sharded(channel), OnRawMessage, Logger, _closed.Token)
                .ConfigureAwait(false);
            lock (_queues)
                _queues.Add(queue);
        }
        RedisLog.ShardedSubscribed(Logger, Uid, Namespace.Name);
    }

    /// <summary>The channel of a room in the dynamic modes: <c>socket.io#/#room#</c>.</summary>
    private string RoomChannel(string room) => _channel + room + "#";

    /// <summary>Whether a room gets its own channel: public rooms in the dynamic mode, every room in dynamic-private.</summary>
    private bool HasOwnChannel(string room) =>
        _mode == ShardedSubscriptionMode.DynamicPrivate || (_mode == ShardedSubscriptionMode.Dynamic && SocketRooms(room).Count == 0);

    private void SubscribeRoom(string room)
    {
        if (!HasOwnChannel(room))
            return;
        lock (_roomQueues)
        {
            if (_closed.IsCancellationRequested || _roomQueues.ContainsKey(room))
                return;
            _roomQueues[room] = RedisSubscription.SubscribeAsync(_subscriber, RedisChannel.Sharded(RoomChannel(room)), OnRawMessage, Logger, _closed.Token);
        }
    }

    private void UnsubscribeRoom(string room)
    {
        Task<ChannelMessageQueue>? subscription;
        lock (_roomQueues)
        {
            if (!_roomQueues.Remove(room, out subscription))
                return;
        }
        Unsubscribe(subscription);
    }

    private static void Unsubscribe(Task<ChannelMessageQueue> subscription) =>
        subscription.ContinueWith(static t => t.Result.UnsubscribeAsync(), CancellationToken.None,
            TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    private void OnRawMessage(ChannelMessage raw)
    {
        var channel = raw.Channel.ToString();
        try
        {
            var message = ClusterMessageCodec.Decode((byte[])raw.Message!);
            if (channel == _responseChannel)
                OnResponse(message);
            else
                OnMessage(message);
        }
        catch (Exception ex) when (IsMalformed(ex))
        {
            RedisLog.MessageDropped(Logger, channel, ex.Message);
        }
    }

    private protected override async Task<string?> DoPublishAsync(ClusterMessage message)
    {
        await _subscriber.PublishAsync(RedisChannel.Sharded(ChannelOf(message)), ClusterMessageCodec.Encode(message)).ConfigureAwait(false);
        return null;
    }

    /// <summary>
    /// Node's channel choice: a broadcast without ack to exactly one room goes to the room's channel in the dynamic
    /// modes (not for a room that looks like a socket id, 20 characters, in the dynamic mode); everything else to the
    /// namespace channel. A broadcast with ack cannot use a room channel: it waits for every node's count.
    /// </summary>
    private string ChannelOf(ClusterMessage message)
    {
        if (message.Type != ClusterMessageType.Broadcast || message.HasRequestId || message.BroadcastRooms is not { Count: 1 } rooms
            || _mode == ShardedSubscriptionMode.Static)
            return _channel;
        var room = rooms.First();
        return _mode == ShardedSubscriptionMode.DynamicPrivate || room.Length != 20 ? RoomChannel(room) : _channel;
    }

    private protected override Task DoPublishResponseAsync(string requesterUid, ClusterMessage response) =>
        _subscriber.PublishAsync(RedisChannel.Sharded(_channel + requesterUid + "#"), ClusterMessageCodec.Encode(response));

    /// <summary>
    /// How many nodes serve this namespace: the subscribers of its channel (<c>PUBSUB SHARDNUMSUB</c>, summed over the
    /// primaries, as Node's adapter does on a cluster). When Redis cannot answer, this node alone, so requests complete
    /// with this node's answers.
    /// </summary>
    public override async ValueTask<int> ServerCountAsync()
    {
        try
        {
            var total = 0;
            foreach (var server in _redis.GetServers())
            {
                if (!server.IsConnected || server.IsReplica)
                    continue;
                var result = await server.ExecuteAsync("PUBSUB", "SHARDNUMSUB", _channel).ConfigureAwait(false);
                total += (int)((RedisResult[])result!)[1];
            }
            return Math.Max(1, total);
        }
        catch (Exception ex)
        {
            RedisLog.ServerCountFailed(Logger, Namespace.Name, ex);
            return 1;
        }
    }

    /// <inheritdoc />
    public override void Close()
    {
        if (_closed.IsCancellationRequested)
            return;
        _closed.Cancel();
        RedisSubscription.UnsubscribeAll(_queues);
        Task<ChannelMessageQueue>[] rooms;
        lock (_roomQueues)
        {
            rooms = [.. _roomQueues.Values];
            _roomQueues.Clear();
        }
        foreach (var room in rooms)
            Unsubscribe(room);
        base.Close();
    }
}
