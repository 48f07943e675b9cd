using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using TypedIo.Redis.Protocol;
using TypedIo.SocketIo;

namespace TypedIo.Redis.Cluster;

/// <summary>
/// A cluster-ready adapter independent of its transport: the C# counterpart of socket.io-adapter's
/// <c>ClusterAdapter</c>, which Node's Redis sharded adapter (and, with heartbeats, its streams adapter) builds on.
/// It turns every operation that reaches other nodes (broadcasts, broadcasts with ack, socketsJoin/Leave,
/// disconnectSockets, fetchSockets, server-side emits with and without ack) into a cluster message, handles the
/// messages and responses of the other nodes, and waits for their answers. A transport publishes the messages and
/// hands the ones it receives back.
/// </summary>
/// <remarks>
/// Safer than Node's where Node's is weak: a request whose nodes do not all answer (a node died) completes at its
/// timeout with the answers that came instead of failing or hanging; a message that cannot be read is dropped;
/// <c>allRooms()</c>, which the cluster protocol lacks, is answered from the rooms of the sockets of every node.
/// </remarks>
public abstract partial class ClusterAdapter : InMemoryAdapter
{
    private readonly CancellationTokenSource _closed = new();

    private protected ClusterAdapter(Namespace nsp, ILogger logger, TimeSpan requestsTimeout)
        : base(nsp)
    {
        Parser = nsp.Server.Parser as JsonPacketParser
            ?? throw new InvalidOperationException("The cluster adapters need the server's JsonPacketParser (Node's adapters carry socket.io-parser's packets).");
        Logger = logger;
        RequestsTimeout = requestsTimeout;
        Uid = NewId();
    }

    /// <summary>This node's id in the cluster (socket.io-adapter's <c>uid</c>: 16 random hex digits).</summary>
    public string Uid { get; }

    private protected JsonPacketParser Parser { get; }

    private protected ILogger Logger { get; }

    /// <summary>How long a request to the other nodes waits for their answers when the caller gives no timeout.</summary>
    private protected TimeSpan RequestsTimeout { get; }

    /// <summary>Cancelled when the adapter closes.</summary>
    private protected CancellationToken Closed => _closed.Token;

    /// <summary>A random id as socket.io-adapter makes them (8 random bytes in hex): node uids and request ids.</summary>
    private protected static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    /// <summary>
    /// Sends <paramref name="message"/> to the other nodes (socket.io-adapter's <c>doPublish</c>) and returns its offset
    /// when the transport keeps one (a stream id), else null.
    /// </summary>
    private protected abstract Task<string?> DoPublishAsync(ClusterMessage message);

    /// <summary>Sends <paramref name="response"/> to node <paramref name="requesterUid"/> (socket.io-adapter's <c>doPublishResponse</c>).</summary>
    private protected abstract Task DoPublishResponseAsync(string requesterUid, ClusterMessage response);

    /// <summary>
    /// Whether this adapter's broadcasts carry offsets (connection state recovery): then a broadcast waits for its
    /// publish to return the offset and passes it to <see cref="AddOffsetIfNecessary"/> before serving this node's
    /// sockets. Otherwise publishing never delays this node's sockets.
    /// </summary>
    protected virtual bool UsesOffsets => false;

    /// <summary>
    /// The hook for connection state recovery (socket.io-adapter's <c>addOffsetIfNecessary</c>): the packet this node's
    /// sockets get for a broadcast with <paramref name="offset"/>, the id the transport gave it (its publish for a
    /// broadcast of this node, its delivery for another node's). This implementation returns the packet unchanged.
    /// </summary>
    protected virtual EncodedPacket AddOffsetIfNecessary(EncodedPacket packet, BroadcastOptions options, string? offset) => packet;

    /// <summary>Publishes without waiting (socket.io-adapter's <c>publish</c>); a failure is logged.</summary>
    private protected virtual void Publish(ClusterMessage message) => Observe(PublishAndReturnOffsetAsync(message), message.Type);

    /// <summary>Publishes and returns the offset (socket.io-adapter's <c>publishAndReturnOffset</c>).</summary>
    private protected virtual Task<string?> PublishAndReturnOffsetAsync(ClusterMessage message)
    {
        try
        {
            return DoPublishAsync(message);
        }
        catch (Exception ex)
        {
            return Task.FromException<string?>(ex);
        }
    }

    /// <summary>Answers node <paramref name="requesterUid"/> without waiting (socket.io-adapter's <c>publishResponse</c>); a failure is logged.</summary>
    private protected virtual void PublishResponse(string requesterUid, ClusterMessage response)
    {
        Task task;
        try
        {
            task = DoPublishResponseAsync(requesterUid, response);
        }
        catch (Exception ex)
        {
            task = Task.FromException(ex);
        }
        Observe(task, response.Type);
    }

    private void Observe(Task task, ClusterMessageType type)
    {
        if (task.IsCompletedSuccessfully)
            return;
        task.ContinueWith(static (t, state) =>
        {
            var (adapter, type) = ((ClusterAdapter, ClusterMessageType))state!;
            RedisLog.ClusterPublishFailed(adapter.Logger, type.ToString(), adapter.Namespace.Name, t.Exception!.GetBaseException());
        }, (this, type), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    /// <summary>A message of this node, in this namespace, whose data <paramref name="writeData"/> writes.</summary>
    private protected ClusterMessage NewMessage(ClusterMessageType type, Action<System.Text.Json.Utf8JsonWriter>? writeData = null,
        IReadOnlyList<ReadOnlyMemory<byte>>? attachments = null) =>
        new(type, Uid, Namespace.Name, writeData is null ? default : RedisJson.Write(writeData), attachments);

    private ClusterMessage NewBroadcast(EncodedPacket packet, BroadcastOptions options, string? requestId) =>
        new(ClusterMessageType.Broadcast, Uid, Namespace.Name, RedisJson.Write(w =>
        {
            ClusterJson.WritePacket(w, packet);
            if (requestId is not null)
                w.WriteString("requestId"u8, requestId);
            ClusterJson.WriteOptions(w, options);
        }), ClusterJson.Attachments(packet))
        {
            BroadcastRooms = options.Rooms,
            HasRequestId = requestId is not null,
        };

    /// <inheritdoc />
    public override async ValueTask BroadcastAsync(EncodedPacket packet, BroadcastOptions options)
    {
        ArgumentNullException.ThrowIfNull(packet);
        ArgumentNullException.ThrowIfNull(options);
        if ((options.Flags & BroadcastFlags.Local) != 0)
        {
            await base.BroadcastAsync(packet, options).ConfigureAwait(false);
            return;
        }
        var message = NewBroadcast(packet, options, requestId: null);
        if (!UsesOffsets)
        {
            Publish(message);
            await base.BroadcastAsync(packet, options).ConfigureAwait(false);
            return;
        }
        string? offset = null;
        try
        {
            offset = await PublishAndReturnOffsetAsync(message).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            RedisLog.ClusterPublishFailed(Logger, message.Type.ToString(), Namespace.Name, ex);
        }
        await base.BroadcastAsync(AddOffsetIfNecessary(packet, options, offset), options).ConfigureAwait(false);
    }

    /// <summary>socketsJoin: this node's sockets join at once; the other nodes' when the message reaches them.</summary>
    public override void AddSockets(BroadcastOptions options, IReadOnlyCollection<string> rooms)
    {
        ArgumentNullException.ThrowIfNull(options);
        base.AddSockets(options, rooms);
        if ((options.Flags & BroadcastFlags.Local) == 0)
            PublishRoomsRequest(ClusterMessageType.SocketsJoin, options, rooms);
    }

    /// <summary>socketsLeave: this node's sockets leave at once; the other nodes' when the message reaches them.</summary>
    public override void DeleteSockets(BroadcastOptions options, IReadOnlyCollection<string> rooms)
    {
        ArgumentNullException.ThrowIfNull(options);
        base.DeleteSockets(options, rooms);
        if ((options.Flags & BroadcastFlags.Local) == 0)
            PublishRoomsRequest(ClusterMessageType.SocketsLeave, options, rooms);
    }

    private void PublishRoomsRequest(ClusterMessageType type, BroadcastOptions options, IReadOnlyCollection<string> rooms) =>
        Publish(NewMessage(type, w =>
        {
            ClusterJson.WriteOptions(w, options);
            RedisJson.WriteStrings(w, "rooms"u8, rooms);
        }));

    /// <summary>disconnectSockets: this node's sockets at once; the other nodes' when the message reaches them.</summary>
    public override void DisconnectSockets(BroadcastOptions options, bool close)
    {
        ArgumentNullException.ThrowIfNull(options);
        base.DisconnectSockets(options, close);
        if ((options.Flags & BroadcastFlags.Local) != 0)
            return;
        Publish(NewMessage(ClusterMessageType.DisconnectSockets, w =>
        {
            ClusterJson.WriteOptions(w, options);
            w.WriteBoolean("close"u8, close);
        }));
    }

    /// <inheritdoc />
    public override void ServerSideEmit(string eventName, object?[] args)
    {
        var packet = Parser.EncodeEvent(Namespace.Name, eventName, args);
        Publish(NewMessage(ClusterMessageType.ServerSideEmit, w =>
        {
            w.WritePropertyName("packet"u8);
            w.WriteRawValue(packet.Data.Span, skipInputValidation: true);
        }, ClusterJson.Attachments(packet)));
    }

    /// <summary>
    /// Releases what the adapter holds: pending requests complete with the answers they have. A transport overrides it
    /// to unsubscribe, and calls this.
    /// </summary>
    public override void Close()
    {
        if (_closed.IsCancellationRequested)
            return;
        _closed.Cancel();
        CompletePendingRequests();
    }
}
