using TypedIo.EngineIo;

namespace TypedIo.SocketIo;

// Emits and acks to this client: encoding, queueing to the connection, and the table of acks it waits for.
public sealed partial class Socket
{
    /// <summary>Emits <paramref name="eventName"/> to this client.</summary>
    public ValueTask EmitAsync(string eventName, params object?[] args)
    {
        ReservedEvents.ThrowIfReserved(eventName);
        _handlers.NotifyOutgoing(eventName, args);
        // With recovery on, an emit to one socket is kept like a broadcast to its own room (as Node does), with an offset.
        if (Namespace.IsRecoveryEnabled)
            return Namespace.BroadcastEventAsync(eventName, args, BroadcastOptions.All with { Rooms = [Id] });
        Write(EncodeEvent(eventName, args, null, out var frame), frame, isVolatile: false);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Emits <paramref name="eventName"/> to this client with received arguments as they came (binary included), for
    /// example <c>socket.EmitAsync("echo", e.Args)</c>: their JSON is written from the received bytes, without the JSON
    /// tree that <see cref="SocketArgs.ToEmitArgs"/> makes.
    /// </summary>
    public ValueTask EmitAsync(string eventName, SocketArgs args)
    {
        ReservedEvents.ThrowIfReserved(eventName);
        ArgumentNullException.ThrowIfNull(args);
        if (_handlers.HasOutgoingListeners)
            _handlers.NotifyOutgoing(eventName, args.ToEmitArgs());
        if (Namespace.IsRecoveryEnabled)
            return Namespace.BroadcastEventAsync(eventName, args, BroadcastOptions.All with { Rooms = [Id] });
        Write(EncodeEvent(eventName, args, out var frame), frame, isVolatile: false);
        return ValueTask.CompletedTask;
    }

    /// <summary>Emits <paramref name="eventName"/> only if the transport can take it right away.</summary>
    public ValueTask EmitVolatileAsync(string eventName, params object?[] args)
    {
        ReservedEvents.ThrowIfReserved(eventName);
        _handlers.NotifyOutgoing(eventName, args);
        Write(EncodeEvent(eventName, args, null, out var frame), frame, isVolatile: true);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Emits <paramref name="eventName"/> and waits for the client's ack. Throws
    /// <see cref="SocketAckTimeoutException"/> after <paramref name="timeout"/> (when given) and
    /// <see cref="SocketDisconnectedException"/> if the socket disconnects first.
    /// </summary>
    public Task<SocketArgs> EmitWithAckAsync(string eventName, object?[] args, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ReservedEvents.ThrowIfReserved(eventName);
        ArgumentNullException.ThrowIfNull(args);
        if (!Connected)
            return Task.FromException<SocketArgs>(new SocketDisconnectedException(SocketDisconnectReasons.ServerNamespaceDisconnect));
        // Ids come from the namespace's counter (Node's nsp._ids), which broadcasts with ack share.
        var id = Namespace.NextAckId();
        var task = _acks.Register(id, eventName, timeout, Namespace.Server.TimeProvider, cancellationToken);
        _handlers.NotifyOutgoing(eventName, args);
        Write(EncodeEvent(eventName, args, id, out var frame), frame, isVolatile: false);
        return task;
    }

    /// <summary>Answers ack <paramref name="id"/> with <paramref name="args"/>, or with the received <paramref name="relayed"/> when given.</summary>
    internal bool SendAck(long id, string eventName, object?[] args, SocketArgs? relayed = null)
    {
        if (!Connected)
            return false;
        EncodedPacket? packet;
        EngineFrame frame;
        try
        {
            packet = relayed is null ? EncodeAck(id, args, out frame) : EncodeAck(id, relayed, out frame);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A value the serializer cannot write (NaN, a cycle, a throwing getter): the client still gets an answer.
            SocketIoLog.AckEncodingFailed(Namespace.Server.Logger, Id, eventName, ex);
            packet = EncodeAck(id, [ServerErrorRejection.ToJson()], out frame);
        }
        Write(packet, frame, isVolatile: false);
        return true;
    }

    // For this socket alone, the JSON parser gives a packet without attachments as its one text frame (null packet):
    // no frame list and no EncodedPacket per emit or ack. Another parser's packet is queued as it is.
    private EncodedPacket? EncodeEvent(string eventName, object?[] args, long? ackId, out EngineFrame frame)
    {
        var parser = Namespace.Server.Parser;
        if (parser is JsonPacketParser json)
            return json.EncodeEventFrame(Namespace.Name, eventName, args, ackId, out frame);
        frame = default;
        return parser.EncodeEvent(Namespace.Name, eventName, args, ackId);
    }

    // Received arguments: the JSON parser writes them from their bytes; another parser gets them as values.
    private EncodedPacket? EncodeEvent(string eventName, SocketArgs relayed, out EngineFrame frame)
    {
        var parser = Namespace.Server.Parser;
        if (parser is JsonPacketParser json)
            return json.EncodeEventFrame(Namespace.Name, eventName, relayed, null, out frame);
        frame = default;
        return parser.EncodeEvent(Namespace.Name, eventName, relayed.ToEmitArgs());
    }

    private EncodedPacket? EncodeAck(long id, object?[] args, out EngineFrame frame)
    {
        var parser = Namespace.Server.Parser;
        if (parser is JsonPacketParser json)
            return json.EncodeAckFrame(Namespace.Name, id, args, out frame);
        frame = default;
        return parser.EncodeAck(Namespace.Name, id, args);
    }

    private EncodedPacket? EncodeAck(long id, SocketArgs relayed, out EngineFrame frame)
    {
        var parser = Namespace.Server.Parser;
        if (parser is JsonPacketParser json)
            return json.EncodeAckFrame(Namespace.Name, id, relayed, out frame);
        frame = default;
        return parser.EncodeAck(Namespace.Name, id, relayed.ToEmitArgs());
    }

    /// <summary>Queues <paramref name="packet"/>, or <paramref name="frame"/> when there is no packet, and counts it as sent.</summary>
    private void Write(EncodedPacket? packet, in EngineFrame frame, bool isVolatile)
    {
        if (packet is not null)
        {
            Write(packet, isVolatile);
            return;
        }
        if (isVolatile ? _client.Session.SendVolatile(frame) : _client.Session.Send(frame))
            Namespace.Server.Metrics.PacketsSent(Namespace.Name, 1);
    }

    /// <summary>Queues <paramref name="packet"/> to this client and counts it as sent.</summary>
    internal void Write(EncodedPacket packet, bool isVolatile)
    {
        if (WriteFrames(packet, isVolatile))
            Namespace.Server.Metrics.PacketsSent(Namespace.Name, 1);
    }

    /// <summary>Queues <paramref name="packet"/> without counting it (a broadcast counts its recipients at once).</summary>
    internal bool WriteFrames(EncodedPacket packet, bool isVolatile) =>
        isVolatile ? _client.Session.SendVolatile(packet.Frames) : _client.Session.Send(packet.Frames);

    /// <summary>
    /// Registers <paramref name="entry"/> (a broadcast's shared ack entry) under <paramref name="id"/>. False when the
    /// socket is no longer connected: then nothing is registered.
    /// </summary>
    internal bool ExpectAck(long id, PendingAck entry) => _acks.TryAdd(id, entry);

    /// <summary>Stops waiting for ack <paramref name="id"/> (a broadcast that timed out or was cancelled).</summary>
    internal void ForgetAck(long id) => _acks.Remove(id);

    /// <summary>Whether this socket has created its table of pending acks (for tests: it is created on first use).</summary>
    internal bool HasAckTable => _acks.HasTable;
}
