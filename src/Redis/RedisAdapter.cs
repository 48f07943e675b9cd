using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using TypedIo.Redis.Protocol;
using TypedIo.SocketIo;

namespace TypedIo.Redis;

/// <summary>
/// The Redis pub/sub adapter of one namespace, wire-compatible with Node's <c>@socket.io/redis-adapter</c> 8.x
/// <c>createAdapter</c>: the same channels (<c>socket.io#/#</c>, <c>socket.io#/#room#</c>, <c>socket.io-request#/#</c>,
/// <c>socket.io-response#/#</c> and <c>socket.io-response#/#UID#</c>), the same msgpack broadcasts and JSON/msgpack
/// requests, so TypedIo and Node nodes serve one cluster. Rooms of this node are kept in memory (the base class); the
/// other nodes are reached through Redis.
/// </summary>
/// <remarks>
/// Safer than Node's where Node's is weak: a request whose nodes do not all answer completes at its timeout with the
/// answers that came (Node's fetchSockets and allRooms fail); a message that cannot be read is logged and dropped; the
/// connection is re-established and the channels resubscribed by StackExchange.Redis after Redis comes back, while
/// local clients stay connected; <c>socketsJoin</c>, <c>socketsLeave</c> and <c>disconnectSockets</c> act on this
/// node at once, not only when the request comes back from Redis.
/// Register with <c>services.AddTypedIo().AddRedisAdapter(...)</c>.
/// </remarks>
public sealed partial class RedisAdapter : InMemoryAdapter
{
    private readonly IConnectionMultiplexer _redis;
    private readonly ISubscriber _subscriber;
    private readonly RedisAdapterOptions _options;
    private readonly RedisChannels _channels;
    private readonly JsonPacketParser _parser;
    private readonly ILogger _logger;
    private readonly List<ChannelMessageQueue> _queues = [];
    private readonly CancellationTokenSource _closed = new();

    internal RedisAdapter(Namespace nsp, RedisConnection connection, ILogger logger)
        : base(nsp)
    {
        _parser = nsp.Server.Parser as JsonPacketParser
            ?? throw new InvalidOperationException("The Redis adapter needs the server's JsonPacketParser (Node's adapters carry socket.io-parser's packets).");
        _redis = connection.Multiplexer;
        _subscriber = _redis.GetSubscriber();
        _options = connection.Options;
        _logger = logger;
        Uid = Protocol.Uid.New();
        _channels = new RedisChannels(_options.KeyPrefix, nsp.Name, Uid);
        Subscribed = SubscribeAsync();
    }

    /// <summary>This node's id in the cluster (Node's <c>uid</c>: six random letters and digits).</summary>
    public string Uid { get; }

    /// <summary>Completes once the broadcast, request and response channels are subscribed.</summary>
    public Task Subscribed { get; }

    private async Task SubscribeAsync()
    {
        // Every message of this namespace comes through ONE pattern queue, so this node handles them in the order Redis
        // delivered them, across channels, as Node's adapter does on its one subscriber connection: a socketsJoin
        // request and the broadcast to that room published right after it are applied in that order. A queue per
        // channel would lose the order between channels.
        await SubscribeAsync(RedisChannel.Pattern(_channels.AllPattern), OnMessage).ConfigureAwait(false);
        // The literal subscriptions Node's adapter makes: PUBSUB NUMSUB of the request channel is how every node counts
        // the servers. Their messages also match the pattern above and are handled there, in order.
        foreach (var channel in (string[])[_channels.Request, _channels.Response, _channels.SpecificResponse])
            await SubscribeAsync(RedisChannel.Literal(channel), static _ => { }).ConfigureAwait(false);
        RedisLog.Subscribed(_logger, Uid, Namespace.Name);
    }

    /// <summary>Routes a message of this namespace's pattern to its handler by its exact channel; other channels that match the glob are ignored.</summary>
    private void OnMessage(ChannelMessage message)
    {
        var channel = message.Channel.ToString();
        if (channel.StartsWith(_channels.Broadcast, StringComparison.Ordinal))
            OnBroadcastMessage(message);
        else if (channel == _channels.Request)
            OnRequestMessage(message);
        else if (channel == _channels.Response || channel == _channels.SpecificResponse)
            OnResponseMessage(message);
    }

    private async Task SubscribeAsync(RedisChannel channel, Action<ChannelMessage> handler)
    {
        var queue = await RedisSubscription.SubscribeAsync(_subscriber, channel, handler, _logger, _closed.Token).ConfigureAwait(false);
        lock (_queues)
            _queues.Add(queue);
    }

    /// <inheritdoc />
    public override ValueTask BroadcastAsync(EncodedPacket packet, BroadcastOptions options)
    {
        ArgumentNullException.ThrowIfNull(packet);
        ArgumentNullException.ThrowIfNull(options);
        if ((options.Flags & BroadcastFlags.Local) == 0)
            Publish(_channels.BroadcastTo(options.Rooms), BroadcastMessage.EncodeBroadcast(Uid, packet, options));
        return base.BroadcastAsync(packet, options);
    }

    /// <summary>A broadcast another node (or an emitter) published.</summary>
    private void OnBroadcastMessage(ChannelMessage message)
    {
        var channel = message.Channel.ToString();
        if (!channel.StartsWith(_channels.Broadcast, StringComparison.Ordinal))
            return;
        // socket.io#/#room#: skipped at once when this node has nobody in the room (Node's per-room optimisation).
        if (channel.Length > _channels.Broadcast.Length)
        {
            var room = channel[_channels.Broadcast.Length..^1];
            if (room.Length > 0 && !HasRoom(room))
                return;
        }
        string? uid;
        Codec.RemotePacket packet;
        BroadcastOptions options;
        try
        {
            (uid, packet, options) = BroadcastMessage.DecodeBroadcast((byte[])message.Message!);
        }
        catch (Exception ex) when (ex is FormatException or MessagePack.MessagePackSerializationException or InvalidCastException or ArgumentException)
        {
            RedisLog.MessageDropped(_logger, channel, ex.Message);
            return;
        }
        if (uid == Uid || packet.Namespace != Namespace.Name)
            return;
        if (packet.Type is not (SocketPacketType.Event or SocketPacketType.BinaryEvent))
        {
            RedisLog.MessageDropped(_logger, channel, $"packet type {packet.Type} is not an event");
            return;
        }
        EncodedPacket encoded;
        try
        {
            encoded = packet.Encode(_parser);
        }
        catch (ArgumentException ex)
        {
            RedisLog.MessageDropped(_logger, channel, ex.Message);
            return;
        }
        _ = base.BroadcastAsync(encoded, options);
    }

    /// <summary>Publishes without waiting: the caller never waits for Redis; a failure is logged.</summary>
    private void Publish(string channel, byte[] message)
    {
        Task<long> task;
        try
        {
            task = _subscriber.PublishAsync(RedisChannel.Literal(channel), message);
        }
        catch (Exception ex)
        {
            RedisLog.PublishFailed(_logger, channel, ex);
            return;
        }
        if (!task.IsCompletedSuccessfully)
            task.ContinueWith(static (t, state) =>
            {
                var (logger, name) = ((ILogger, string))state!;
                RedisLog.PublishFailed(logger, name, t.Exception!.GetBaseException());
            }, (_logger, channel), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    /// <summary>
    /// How many nodes serve this namespace: the subscribers of the request channel (Node's <c>PUBSUB NUMSUB</c>). When
    /// Redis cannot answer, this node alone (so a broadcast with ack still completes with this node's answers).
    /// </summary>
    public override async ValueTask<int> ServerCountAsync()
    {
        try
        {
            var result = await _redis.GetDatabase().ExecuteAsync("PUBSUB", "NUMSUB", _channels.Request).ConfigureAwait(false);
            var items = (RedisResult[])result!;
            return Math.Max(1, (int)items[1]);
        }
        catch (Exception ex)
        {
            RedisLog.ServerCountFailed(_logger, Namespace.Name, ex);
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
        CancelPendingRequests();
    }
}
