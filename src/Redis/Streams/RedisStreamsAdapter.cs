using Microsoft.Extensions.Logging;
using TypedIo.Redis.Cluster;
using TypedIo.SocketIo;

namespace TypedIo.Redis.Streams;

/// <summary>
/// The Redis streams adapter of one namespace, wire-compatible with Node's <c>@socket.io/redis-streams-adapter</c> 0.3:
/// broadcasts, remote joins, leaves and disconnects are entries of a Redis stream (<c>socket.io</c>) that every node
/// reads; broadcasts with ack, server-side emits and fetch-sockets requests go through pub/sub
/// (<c>socket.io#NSP#</c>), and answers to the requester's channel (<c>socket.io#NSP#UID#</c>). With connection state
/// recovery on, the offset of a packet is the id of its stream entry and sessions are kept in Redis
/// (<c>sio:session:PID</c>), so a client can recover on any node of the cluster, Node's included.
/// </summary>
/// <remarks>
/// <para>
/// Where it differs from Node's, it is safer: the stream reader resumes after the last entry it read (across a Redis
/// restart or a lost connection) instead of asking for <c>$</c>; entries wait in a bounded buffer while Redis cannot
/// take them (<see cref="RedisStreamsAdapterOptions.MaxBufferedEntries"/>) and a dropped one is counted and logged; a
/// request whose nodes do not all answer completes at its timeout with the answers that came.
/// </para>
/// <para>
/// With recovery on, this node's own broadcasts reach its sockets when their entry is read back from the stream, so
/// every socket of the node gets the packets of the cluster in stream order; that is what lets a recovered socket get
/// every missed packet exactly once (see <see cref="ResumeSessionAsync"/>). If an entry is dropped, this node's sockets
/// get the packet at once, without offset, as Node's adapter does when XADD fails.
/// </para>
/// <para>
/// Node's adapter 0.3 counts the nodes with <c>PUBSUB NUMSUB</c> of the namespace's channel and sends no heartbeats;
/// so does this one (heartbeat messages of other implementations are ignored).
/// </para>
/// Register with <c>services.AddTypedIo().AddRedisStreamsAdapter(...)</c>.
/// </remarks>
public sealed partial class RedisStreamsAdapter : ClusterAdapter
{
    private readonly StreamsHub _hub;
    private readonly StreamsTransport _transport;
    private readonly RedisStreamReader _reader;

    /// <summary>Serialises the delivery of stream entries to this node's sockets with the resumption of sessions.</summary>
    private readonly object _delivery = new();

    /// <summary>The id of the last entry of this namespace's stream handled here (under <see cref="_delivery"/>).</summary>
    private StreamId? _lastHandled;

    internal RedisStreamsAdapter(Namespace nsp, StreamsHub hub, ILogger logger)
        : base(nsp, logger, hub.Options.RequestsTimeout)
    {
        _hub = hub;
        _transport = new StreamsTransport(hub, nsp.Name, Uid, OnTransportMessage, out _reader);
        Ready = ReadyAsync();
    }

    /// <summary>Completes once the stream reader knows where it starts and the channels are subscribed.</summary>
    public Task Ready { get; }

    /// <summary>The stream this namespace's entries go to.</summary>
    public string Stream => _transport.Stream;

    private async Task ReadyAsync()
    {
        await _transport.Ready.ConfigureAwait(false);
        lock (_delivery)
        {
            // Entries after the reader's position when this namespace registered are handled here; those before are not.
            if (_lastHandled is null && StreamId.TryParse(_reader.LastId ?? _reader.StartId, out var start))
                _lastHandled = start;
        }
    }

    private protected override Task<string?> DoPublishAsync(ClusterMessage message) => _transport.PublishAsync(message);

    private protected override Task DoPublishResponseAsync(string requesterUid, ClusterMessage response)
    {
        _transport.PublishResponse(requesterUid, response);
        return Task.CompletedTask;
    }

    /// <summary>How many nodes serve this namespace: the subscribers of <c>socket.io#NSP#</c> (Node's <c>PUBSUB NUMSUB</c>).</summary>
    public override ValueTask<int> ServerCountAsync() => new(_transport.ServerCountAsync());

    /// <summary>
    /// Publishes the broadcast as a stream entry. Without recovery (or for a volatile packet) this node's sockets get
    /// it at once; with recovery they get it with its offset when the entry is read back, in stream order.
    /// </summary>
    public override ValueTask BroadcastAsync(EncodedPacket packet, BroadcastOptions options)
    {
        ArgumentNullException.ThrowIfNull(packet);
        ArgumentNullException.ThrowIfNull(options);
        // Node's cluster adapter derives from the in-memory one without sessions: a local broadcast carries no offset.
        if ((options.Flags & BroadcastFlags.Local) != 0)
            return DeliverAsync(packet, options);
        var message = NewBroadcast(packet, options);
        var written = PublishAndReturnOffsetAsync(message);
        if (!NeedsOffset(packet, options))
        {
            ObserveWrite(written, message);
            return DeliverAsync(packet, options);
        }
        // The caller does not wait for Redis (an emit during an outage must not hang): this node's sockets get the
        // packet when its entry is read back, or at once if the entry is dropped.
        _ = DeliverWhenDroppedAsync(written, packet, options, message);
        return ValueTask.CompletedTask;
    }

    /// <summary>When the entry could not be written, this node's sockets get the packet anyway, without offset.</summary>
    private async Task DeliverWhenDroppedAsync(Task<string?> written, EncodedPacket packet, BroadcastOptions options, ClusterMessage message)
    {
        string? id = null;
        try
        {
            id = await written.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            RedisLog.ClusterPublishFailed(Logger, message.Type.ToString(), Namespace.Name, ex);
        }
        if (id is null)
            await DeliverAsync(packet, options).ConfigureAwait(false);
    }

    private void ObserveWrite(Task<string?> written, ClusterMessage message)
    {
        if (written.IsCompleted && !written.IsFaulted)
            return;
        written.ContinueWith(static (t, state) =>
        {
            var (adapter, type) = ((RedisStreamsAdapter, string))state!;
            RedisLog.ClusterPublishFailed(adapter.Logger, type, adapter.Namespace.Name, t.Exception!.GetBaseException());
        }, (this, message.Type.ToString()), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    private ClusterMessage NewBroadcast(EncodedPacket packet, BroadcastOptions options) =>
        NewMessage(ClusterMessageType.Broadcast, w =>
        {
            ClusterJson.WritePacket(w, packet);
            ClusterJson.WriteOptions(w, options);
        }, ClusterJson.Attachments(packet));

    /// <summary>
    /// A message from the transport: stream entries (with their id) are handled one at a time under the delivery lock,
    /// this node's own broadcasts included (they are delivered here when recovery gives them an offset); pub/sub
    /// messages go to the cluster layer.
    /// </summary>
    private void OnTransportMessage(ClusterMessage message, string? offset)
    {
        if (offset is null)
        {
            Handle(message, null);
            return;
        }
        lock (_delivery)
        {
            try
            {
                if (message.Type == ClusterMessageType.Broadcast && message.RequestId is null)
                    OnStreamBroadcast(message, offset);
                else
                    Handle(message, offset);
            }
            finally
            {
                if (StreamId.TryParse(offset, out var id) && (_lastHandled is not { } last || id > last))
                    _lastHandled = id;
            }
        }
    }

    private void Handle(ClusterMessage message, string? offset)
    {
        try
        {
            OnMessage(message, offset);
        }
        catch (Exception ex) when (IsMalformed(ex))
        {
            RedisLog.StreamsChannelMessageMalformed(Logger, offset is null ? "pub/sub " + Namespace.Name : Stream + " " + offset, ex.Message);
        }
    }

    /// <summary>A broadcast read from the stream: another node's, or this node's own when it waited for its offset.</summary>
    private void OnStreamBroadcast(ClusterMessage message, string offset)
    {
        EncodedPacket packet;
        BroadcastOptions options;
        try
        {
            var remote = message.ReadPacket();
            if (remote.Type is not (SocketPacketType.Event or SocketPacketType.BinaryEvent))
                throw new FormatException($"A broadcast carries an event, not packet type {remote.Type}.");
            options = message.ReadOptions();
            packet = remote.Encode(Parser);
        }
        catch (Exception ex) when (IsMalformed(ex))
        {
            RedisLog.StreamEntryMalformed(Logger, Stream, offset, ex.Message);
            return;
        }
        var needsOffset = NeedsOffset(packet, options);
        if (message.Uid == Uid && !needsOffset)
            return; // delivered when it was sent
        if (message.Namespace != Namespace.Name)
            return;
        _ = DeliverAsync(needsOffset ? packet.WithAppendedArgument(offset) : packet, options);
    }

    /// <inheritdoc />
    public override void Close()
    {
        _transport.Close();
        base.Close();
    }
}
