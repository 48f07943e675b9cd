using MessagePack;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

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
    private readonly Action<byte[], string?> _onMessage;
    private readonly string _publicChannel;
    private readonly string _privateChannel;
    private readonly List<ChannelMessageQueue> _queues = [];
    private readonly CancellationTokenSource _closed = new();

    /// <param name="hub">The shared connections, reader and writer.</param>
    /// <param name="nsp">The namespace's name.</param>
    /// <param name="uid">This node's id in the namespace.</param>
    /// <param name="onMessage">Called with every msgpack cluster message another node sent, with its stream offset (null for pub/sub).</param>
    public StreamsTransport(StreamsHub hub, string nsp, string uid, Action<byte[], string?> onMessage)
    {
        _hub = hub;
        Namespace = nsp;
        Uid = uid;
        _onMessage = onMessage;
        _subscriber = hub.Connection.Multiplexer.GetSubscriber();
        Stream = hub.Options.StreamOf(nsp);
        _publicChannel = ChannelOf(hub.Options.ChannelPrefix, nsp, null);
        _privateChannel = ChannelOf(hub.Options.ChannelPrefix, nsp, uid);
        var reader = hub.Register(this);
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
        try
        {
            _onMessage((byte[])message.Message!, null);
        }
        catch (Exception ex)
        {
            RedisLog.HandlingFailed(_hub.Logger, message.Channel.ToString(), ex);
        }
    }

    /// <summary>An entry of this namespace read from the stream.</summary>
    internal void OnStreamMessage(byte[] message, string offset) => _onMessage(message, offset);

    /// <summary>
    /// Sends a msgpack cluster message <c>{uid, nsp, type, data}</c> to the other nodes. The task completes with the
    /// stream offset of the entry once written, or with an empty string for an ephemeral message (published at once,
    /// as Node's adapter answers), or with null when the entry was dropped or could not be written.
    /// </summary>
    public Task<string?> PublishAsync(byte[] message)
    {
        var (type, ephemeral) = Classify(message);
        if (ephemeral)
        {
            Publish(_publicChannel, message);
            return Task.FromResult<string?>("");
        }
        return _hub.Publisher.Enqueue(Stream, StreamEntryCodec.Encode(message), Namespace, type);
    }

    /// <summary>Sends an answer to the node <paramref name="requesterUid"/> (its private channel).</summary>
    public void PublishResponse(string requesterUid, byte[] response) =>
        Publish(ChannelOf(_hub.Options.ChannelPrefix, Namespace, requesterUid), response);

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
    internal static (int Type, bool Ephemeral) Classify(byte[] message)
    {
        var reader = new MessagePackReader(message);
        var count = reader.ReadMapHeader();
        int type = 0;
        var hasRequestId = false;
        for (var i = 0; i < count; i++)
        {
            var key = reader.ReadString();
            if (key == "type")
            {
                type = reader.ReadInt32();
            }
            else if (key == "data" && reader.NextMessagePackType == MessagePackType.Map)
            {
                var fields = reader.ReadMapHeader();
                for (var j = 0; j < fields; j++)
                {
                    if (reader.ReadString() == "requestId" && !reader.IsNil)
                        hasRequestId = true;
                    reader.Skip();
                }
            }
            else
            {
                reader.Skip();
            }
        }
        var ephemeral = type is ClusterTypes.ServerSideEmit or ClusterTypes.FetchSockets
            || (type == ClusterTypes.Broadcast && hasRequestId);
        return (type, ephemeral);
    }

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

/// <summary>socket.io-adapter's <c>MessageType</c> values the transport needs to tell ephemeral messages apart.</summary>
internal static class ClusterTypes
{
    public const int Broadcast = 3;
    public const int FetchSockets = 7;
    public const int ServerSideEmit = 9;
}
