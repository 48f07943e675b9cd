using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using TypedIo.Redis.Protocol;
using TypedIo.SocketIo;

namespace TypedIo.Redis.Emitter;

/// <summary>
/// The adapter of a process that serves no clients but emits to a cluster's (a worker, a job): every operation is
/// published to Redis exactly as Node's <c>@socket.io/redis-emitter</c> publishes it (uid <c>emitter</c>, broadcast
/// options in the emitter's key order, requests without uid), so TypedIo and Node nodes alike deliver it. It keeps no
/// sockets and no rooms. As with Node's emitter, nothing can be awaited from the cluster: acks, fetching sockets and
/// server-side emits with ack throw <see cref="NotSupportedException"/>.
/// </summary>
internal sealed class RedisEmitterAdapter : SocketAdapter
{
    /// <summary>The uid Node's emitter publishes with.</summary>
    public const string EmitterUid = "emitter";

    private static readonly IReadOnlySet<string> None = new HashSet<string>();

    private readonly ISubscriber _publisher;
    private readonly RedisChannels _channels;
    private readonly JsonPacketParser _parser;
    private readonly ILogger _logger;

    public RedisEmitterAdapter(Namespace nsp, RedisConnection connection, ILogger logger)
        : base(nsp)
    {
        _parser = nsp.Server.Parser as JsonPacketParser
            ?? throw new InvalidOperationException("The Redis emitter needs the server's JsonPacketParser.");
        _publisher = connection.Multiplexer.GetSubscriber();
        _channels = new RedisChannels(connection.Options.KeyPrefix, nsp.Name, EmitterUid);
        _logger = logger;
    }

    public override void AddAll(string id, IEnumerable<string> rooms) => throw NoLocalSockets();

    public override void Delete(string id, string room)
    {
    }

    public override void DeleteAll(string id)
    {
    }

    public override IReadOnlySet<string> SocketRooms(string id) => None;

    public override IReadOnlySet<string> Sockets(IReadOnlySet<string> rooms) => None;

    public override IReadOnlySet<string> RoomNames() => None;

    public override ValueTask BroadcastAsync(EncodedPacket packet, BroadcastOptions options)
    {
        ArgumentNullException.ThrowIfNull(packet);
        ArgumentNullException.ThrowIfNull(options);
        if ((options.Flags & BroadcastFlags.Local) == 0)
            Publish(_channels.BroadcastTo(options.Rooms), BroadcastMessage.EncodeBroadcast(EmitterUid, packet, options, emitterOrder: true));
        return ValueTask.CompletedTask;
    }

    public override ValueTask BroadcastWithAckAsync(EncodedPacket packet, long ackId, BroadcastOptions options, IBroadcastAckReceiver receiver) =>
        throw new NotSupportedException("The Redis emitter cannot collect acks (neither can Node's @socket.io/redis-emitter): emit without ack, or emit from a server node.");

    public override Task<IReadOnlyList<RemoteSocket>> FetchSocketsAsync(BroadcastOptions options) =>
        throw new NotSupportedException("The Redis emitter cannot fetch sockets (neither can Node's @socket.io/redis-emitter): fetch them on a server node.");

    public override Task<IReadOnlySet<string>> AllRoomsAsync() =>
        throw new NotSupportedException("The Redis emitter cannot list rooms: list them on a server node.");

    public override void AddSockets(BroadcastOptions options, IReadOnlyCollection<string> rooms) =>
        PublishRoomsRequest(RedisRequestType.RemoteJoin, options, rooms);

    public override void DeleteSockets(BroadcastOptions options, IReadOnlyCollection<string> rooms) =>
        PublishRoomsRequest(RedisRequestType.RemoteLeave, options, rooms);

    public override void DisconnectSockets(BroadcastOptions options, bool close) =>
        Publish(_channels.Request, RedisJson.Write(w =>
        {
            w.WriteNumber("type"u8, (int)RedisRequestType.RemoteDisconnect);
            RedisJson.WriteRoomsOptions(w, options);
            w.WriteBoolean("close"u8, close);
        }));

    public override void ServerSideEmit(string eventName, object?[] args) =>
        Publish(_channels.Request, RedisJson.Write(w =>
        {
            w.WriteString("uid"u8, EmitterUid);
            w.WriteNumber("type"u8, (int)RedisRequestType.ServerSideEmit);
            w.WriteStartArray("data"u8);
            w.WriteStringValue(eventName);
            foreach (var arg in args)
                RedisJson.WriteValue(w, arg, _parser.SerializerOptions);
            w.WriteEndArray();
        }));

    public override Task<ServerSideAckResult> ServerSideEmitWithAckAsync(string eventName, object?[] args, TimeSpan timeout, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The Redis emitter cannot wait for answers (neither can Node's @socket.io/redis-emitter).");

    private void PublishRoomsRequest(RedisRequestType type, BroadcastOptions options, IReadOnlyCollection<string> rooms) =>
        Publish(_channels.Request, RedisJson.Write(w =>
        {
            w.WriteNumber("type"u8, (int)type);
            RedisJson.WriteRoomsOptions(w, options);
            RedisJson.WriteStrings(w, "rooms"u8, rooms);
        }));

    private void Publish(string channel, byte[] message)
    {
        var task = _publisher.PublishAsync(RedisChannel.Literal(channel), message);
        if (!task.IsCompletedSuccessfully)
            task.ContinueWith(static (t, state) =>
            {
                var (logger, name) = ((ILogger, string))state!;
                RedisLog.PublishFailed(logger, name, t.Exception!.GetBaseException());
            }, (_logger, channel), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    private static InvalidOperationException NoLocalSockets() =>
        new("A Redis emitter serves no clients: call AddRedisEmitter only in processes that do not map TypedIo.");
}
