using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using TypedIo.Redis.Cluster;

namespace TypedIo.Redis.Streams;

/// <summary>
/// How one namespace's cluster messages travel, as in Node's <c>RedisStreamsAdapter</c> 0.3: the ephemeral ones (a
/// broadcast with ack, a server-side emit, a fetch-sockets request) are msgpack messages published on the channel
/// <c>PREFIX#NSP#</c>; every other one (broadcasts, remote joins, leaves and disconnects) is an entry of the
/// namespace's stream, read back by every node with its offset (the entry id). Answers go to the requester's channel
/// <c>PREFIX#NSP#UID#</c>. The number of nodes is the subscriber count of <c>PREFIX#NSP#</c> (Node's <c>PUBSUB NUMSUB</c>).
/// </summary>
internal sealed class StreamsTransport
{
    private readonly StreamsHub _hub;
    private readonly ISubscriber _subscriber;
    private readonly Action<ClusterMessage, string?> _onMessage;
    private readonly string _publicChannel;
    private readonly string _privateChannel;
    private readonly List<ChannelMessageQueue> _queues = [];
    private readonly CancellationTokenSource _closed = new();

    /// <param name="hub">The shared connections, reader and writer.</param>
    /// <param name="nsp">The namespace's name.</param>
    /// <param name="uid">This node's id in the namespace.</param>
    /// <param name="onMessage">
    /// Called with every message of the namespace, with its stream offset (null for pub/sub), one at a time per source;
    /// this node's own entries come back too. Malformed messages are logged and dropped before.
    /// </param>
    /// <param name="reader">The reader of the namespace's stream.</param>
    public StreamsTransport(StreamsHub hub, string nsp, string uid, Action<ClusterMessage, string?> onMessage, out RedisStreamReader reader)
    {
        _hub = hub;
        Namespace = nsp;
        Uid = uid;
        _onMessage = onMessage;
        _subscriber = hub.Connection.Multiplexer.GetSubscriber();
        Stream = hub.Options.StreamOf(nsp);
        _publicChannel = ChannelOf(hub.Options.ChannelPrefix, nsp, null);
        _privateChannel = ChannelOf(hub.Options.ChannelPrefix, nsp, uid);
        reader = hub.Register(this);
        Ready = Task.WhenAll(reader.Started, SubscribeAsync());
    }

    public string Namespace { get; }

    public string Uid { get; }

    /// <summary>The stream of this namespace.</summary>
    public string Stream { get; }

    /// <summary>Completes once the stream reader knows where it starts and both channels are subscribed.</summary>
    public Task Ready { get; }

    private static string ChannelOf(string prefix, string nsp, string? uid) =>
        uid is null ? $"{prefix}#{nsp}#" : $"{prefix}#{nsp}#{uid}#";

    private async Task SubscribeAsync()
    {
        foreach (var channel in (string[])[_publicChannel, _privateChannel])
        {
            var delay = TimeSpan.FromMilliseconds(100);
            while (true)
            {
                try
                {
                    var queue = await _subscriber.SubscribeAsync(RedisChannel.Literal(channel)).ConfigureAwait(false);
                    queue.OnMessage(OnChannelMessage);
                    lock (_queues)
                        _queues.Add(queue);
                    break;
                }
                catch (Exception ex) when (!_closed.IsCancellationRequested)
                {
                    RedisLog.SubscribeFailed(_hub.Logger, channel, ex);
                    await Task.Delay(delay, _closed.Token).ConfigureAwait(false);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
                }
            }
        }
    }

    private void OnChannelMessage(ChannelMessage message)
    {
        ClusterMessage decoded;
        try
        {
            decoded = ClusterMessageCodec.Decode((byte[])message.Message!);
        }
        catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException or MessagePack.MessagePackSerializationException)
        {
            RedisLog.StreamsChannelMessageMalformed(_hub.Logger, message.Channel.ToString(), ex.Message);
            return;
        }
        try
        {
            _onMessage(decoded, null);
        }
        catch (Exception ex)
        {
            RedisLog.HandlingFailed(_hub.Logger, message.Channel.ToString(), ex);
        }
    }

    /// <summary>An entry of this namespace read from the stream.</summary>
    internal void OnStreamMessage(ClusterMessage message, string offset) => _onMessage(message, offset);

    /// <summary>
    /// Sends <paramref name="message"/> to the other nodes. The task completes with the stream id of its entry once
    /// written, or with null for an ephemeral message (published at once), or with null when the entry was dropped or
    /// could not be written; it never faults.
    /// </summary>
    public Task<string?> PublishAsync(ClusterMessage message)
    {
        if (IsEphemeral(message))
        {
            Publish(_publicChannel, StreamEntryCodec.EncodePubSub(message));
            return Task.FromResult<string?>(null);
        }
        return _hub.Publisher.Enqueue(Stream, StreamEntryCodec.Encode(message), Namespace, (int)message.Type);
    }

    /// <summary>Sends an answer to the node <paramref name="requesterUid"/> (its private channel).</summary>
    public void PublishResponse(string requesterUid, ClusterMessage response) =>
        Publish(ChannelOf(_hub.Options.ChannelPrefix, Namespace, requesterUid), StreamEntryCodec.EncodePubSub(response));

    /// <summary>How many nodes serve this namespace: the subscribers of its public channel, or 1 when Redis cannot say.</summary>
    public async Task<int> ServerCountAsync()
    {
        try
        {
            var result = await _hub.Connection.Multiplexer.GetDatabase().ExecuteAsync("PUBSUB", "NUMSUB", _publicChannel).ConfigureAwait(false);
            var items = (RedisResult[])result!;
            return Math.Max(1, (int)items[1]);
        }
        catch (Exception ex)
        {
            RedisLog.ServerCountFailed(_hub.Logger, Namespace, ex);
            return 1;
        }
    }

    /// <summary>Node's <c>isEphemeral</c>: a broadcast with a request id, a server-side emit, a fetch-sockets request.</summary>
    internal static bool IsEphemeral(ClusterMessage message) =>
        message.Type is ClusterMessageType.ServerSideEmit or ClusterMessageType.FetchSockets
        || (message.Type == ClusterMessageType.Broadcast && (message.HasRequestId || message.RequestId is not null));

    private void Publish(string channel, byte[] message)
    {
        Task<long> task;
        try
        {
            task = _subscriber.PublishAsync(RedisChannel.Literal(channel), message);
        }
        catch (Exception ex)
        {
            RedisLog.StreamsPublishFailed(_hub.Logger, channel, ex);
            return;
        }
        if (!task.IsCompletedSuccessfully)
            task.ContinueWith(static (t, state) =>
            {
                var (logger, name) = ((ILogger, string))state!;
                RedisLog.StreamsPublishFailed(logger, name, t.Exception!.GetBaseException());
            }, (_hub.Logger, channel), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    public void Close()
    {
        if (_closed.IsCancellationRequested)
            return;
        _closed.Cancel();
        _hub.Unregister(this);
        ChannelMessageQueue[] queues;
        lock (_queues)
            queues = [.. _queues];
        foreach (var queue in queues)
            _ = queue.UnsubscribeAsync();
    }
}
