using System.Text.Json;
using StackExchange.Redis;
using TypedIo.Redis.Protocol;
using TypedIo.SocketIo;

namespace TypedIo.Redis;

// What the other nodes (and emitters) ask of this node, and the answers to this node's requests.
public sealed partial class RedisAdapter
{
    private void OnRequestMessage(ChannelMessage message)
    {
        var channel = message.Channel.ToString();
        RedisMessage request;
        try
        {
            request = RedisMessage.Parse((byte[])message.Message!);
        }
        catch (Exception ex) when (IsMalformed(ex))
        {
            RedisLog.MessageDropped(_logger, channel, ex.Message);
            return;
        }
        using (request)
        {
            try
            {
                HandleRequest(request, channel);
            }
            catch (Exception ex) when (IsMalformed(ex))
            {
                RedisLog.MessageDropped(_logger, channel, ex.Message);
            }
        }
    }

    private static bool IsMalformed(Exception ex) =>
        ex is FormatException or JsonException or MessagePack.MessagePackSerializationException or InvalidOperationException
            or InvalidCastException or KeyNotFoundException or ArgumentException or EndOfStreamException;

    private void HandleRequest(RedisMessage request, string channel)
    {
        switch (request.Type)
        {
            case RedisRequestType.Sockets:
                if (request.RequestId is not { } socketsId || _requests.ContainsKey(socketsId))
                    return;
                var rooms = request.TryGet("rooms"u8, out var r) ? RedisMessage.Rooms(r).ToHashSet(StringComparer.Ordinal) : [];
                var ids = Sockets(rooms);
                PublishResponse(request, RedisJson.Write(w =>
                {
                    w.WriteString("requestId"u8, socketsId);
                    RedisJson.WriteStrings(w, "sockets"u8, ids);
                }));
                break;

            case RedisRequestType.AllRooms:
                if (request.RequestId is not { } roomsId || _requests.ContainsKey(roomsId))
                    return;
                var names = RoomNames();
                PublishResponse(request, RedisJson.Write(w =>
                {
                    w.WriteString("requestId"u8, roomsId);
                    RedisJson.WriteStrings(w, "rooms"u8, names);
                }));
                break;

            case RedisRequestType.RemoteJoin:
            case RedisRequestType.RemoteLeave:
            case RedisRequestType.RemoteDisconnect:
                HandleRemoteRoomsRequest(request);
                break;

            case RedisRequestType.RemoteFetch:
                if (request.RequestId is not { } fetchId || _requests.ContainsKey(fetchId))
                    return;
                var options = RedisJson.ReadOptions(request.TryGet("opts"u8, out var o) ? o : default);
                var sockets = base.FetchSocketsAsync(options).GetAwaiter().GetResult();
                PublishResponse(request, RedisJson.Write(w =>
                {
                    w.WriteString("requestId"u8, fetchId);
                    w.WriteStartArray("sockets"u8);
                    foreach (var socket in sockets)
                        RedisJson.WriteSocket(w, socket, _parser.SerializerOptions);
                    w.WriteEndArray();
                }));
                break;

            case RedisRequestType.ServerSideEmit:
                HandleServerSideEmit(request);
                break;

            case RedisRequestType.Broadcast:
                HandleBroadcastRequest(request);
                break;

            default:
                RedisLog.MessageDropped(_logger, channel, $"unknown request type {(int?)request.Type}");
                break;
        }
    }

    /// <summary>REMOTE_JOIN, REMOTE_LEAVE, REMOTE_DISCONNECT: for the sockets opts select, or (older form) one socket by id.</summary>
    private void HandleRemoteRoomsRequest(RedisMessage request)
    {
        // This node applied its own request when it made it.
        if (request.Uid == Uid)
            return;
        var rooms = request.TryGet("rooms"u8, out var r) ? RedisMessage.Rooms(r).ToArray() : [];
        if (request.TryGet("opts"u8, out var opts) && opts.ValueKind == JsonValueKind.Object)
        {
            var options = RedisJson.ReadOptions(opts);
            switch (request.Type)
            {
                case RedisRequestType.RemoteJoin:
                    base.AddSockets(options, rooms);
                    break;
                case RedisRequestType.RemoteLeave:
                    base.DeleteSockets(options, rooms);
                    break;
                default:
                    base.DisconnectSockets(options, request.TryGet("close"u8, out var c) && c.ValueKind == JsonValueKind.True);
                    break;
            }
            return;
        }
        if (request.GetString("sid"u8) is not { } sid || !Namespace.TryGetSocket(sid, out var socket))
            return;
        switch (request.Type)
        {
            case RedisRequestType.RemoteJoin when request.GetString("room"u8) is { } room:
                socket.Join(room);
                break;
            case RedisRequestType.RemoteLeave when request.GetString("room"u8) is { } room:
                socket.Leave(room);
                break;
            case RedisRequestType.RemoteDisconnect:
                socket.Disconnect(request.TryGet("close"u8, out var close) && close.ValueKind == JsonValueKind.True);
                break;
            default:
                return;
        }
        if (request.RequestId is { } requestId)
            PublishResponse(request, RedisJson.Write(w => w.WriteString("requestId"u8, requestId)));
    }

    private void HandleServerSideEmit(RedisMessage request)
    {
        if (request.Uid == Uid)
            return;
        if (!request.TryGet("data"u8, out var data) || data.ValueKind != JsonValueKind.Array || data.GetArrayLength() == 0
            || data[0].ValueKind != JsonValueKind.String)
            throw new FormatException("A server-side emit carries [event, ...args].");
        var name = data[0].GetString()!;
        var args = RedisJson.ArgsAfterFirst(data);
        if (request.RequestId is not { } requestId)
        {
            OnServerSideEmit(new ServerSideEvent(name, args));
            return;
        }
        // Node's adapter answers a server-side emit on the shared response channel, whatever the settings.
        OnServerSideEmit(new ServerSideEvent(name, args, answer => Publish(_channels.Response, RedisJson.Write(w =>
        {
            w.WriteNumber("type"u8, (int)RedisRequestType.ServerSideEmit);
            w.WriteString("requestId"u8, requestId);
            w.WritePropertyName("data"u8);
            RedisJson.WriteValue(w, answer, _parser.SerializerOptions);
        }))));
    }


    /// <summary>Another node's broadcast with ack: sent to this node's sockets with an ack id of this node, each answer relayed.</summary>
    private void HandleBroadcastRequest(RedisMessage request)
    {
        if (request.RequestId is not { } requestId || _ackRequests.ContainsKey(requestId))
            return; // this node's own
        var packet = request.Packet ?? throw new FormatException("A BROADCAST request carries a packet.");
        if (packet.Namespace != Namespace.Name || packet.Type is not (SocketPacketType.Event or SocketPacketType.BinaryEvent))
            throw new FormatException("A BROADCAST request carries an event of this namespace.");
        var options = RedisJson.ReadOptions(request.TryGet("opts"u8, out var o) ? o : default);
        var ackId = Namespace.NextAckId();
        var encoded = packet.Encode(_parser, ackId);
        var relay = new AckRelay(this, request, requestId);
        _ = base.BroadcastWithAckAsync(encoded, ackId, options, relay);
    }

    private void PublishResponse(RedisMessage request, byte[] response) =>
        Publish(_options.PublishOnSpecificResponseChannel && request.Uid is { } uid ? _channels.ResponseOf(uid) : _channels.Response, response);

    private void PublishResponse(string? requesterUid, byte[] response) =>
        Publish(_options.PublishOnSpecificResponseChannel && requesterUid is not null ? _channels.ResponseOf(requesterUid) : _channels.Response, response);

    /// <summary>Tells the requesting node how many of this node's sockets got its broadcast, then each of their answers.</summary>
    private sealed class AckRelay(RedisAdapter adapter, RedisMessage request, string requestId) : IBroadcastAckReceiver
    {
        private readonly string? _requester = request.Uid;

        public void OnSent(IReadOnlyCollection<string> socketIds) => OnSent(socketIds.Count);

        public void OnSent(int socketCount) =>
            adapter.PublishResponse(_requester, RedisJson.Write(w =>
            {
                w.WriteNumber("type"u8, (int)RedisRequestType.BroadcastClientCount);
                w.WriteString("requestId"u8, requestId);
                w.WriteNumber("clientCount"u8, socketCount);
            }));

        public void OnAck(SocketAckResponse response) =>
            adapter.PublishResponse(_requester, BroadcastMessage.EncodeBroadcastAck(requestId, response.Args));

        public void OnDisconnected(string socketId)
        {
            // Node's adapter says nothing: the requester's timeout covers it.
        }
    }

    private void OnResponseMessage(ChannelMessage message)
    {
        var channel = message.Channel.ToString();
        try
        {
            using var response = RedisMessage.Parse((byte[])message.Message!);
            HandleResponse(response);
        }
        catch (Exception ex) when (IsMalformed(ex))
        {
            RedisLog.MessageDropped(_logger, channel, ex.Message);
        }
    }

    private void HandleResponse(RedisMessage response)
    {
        if (response.RequestId is not { } requestId)
            return;
        if (_ackRequests.TryGetValue(requestId, out var ack))
        {
            switch (response.Type)
            {
                case RedisRequestType.BroadcastClientCount when response.TryGet("clientCount"u8, out var count) && count.TryGetInt32(out var clients) && clients >= 0:
                    ack.OnCount(clients);
                    break;
                case RedisRequestType.BroadcastAck when response.Answer is { } answer:
                    ack.OnAnswer(answer);
                    break;
            }
            return;
        }
        if (!_requests.TryGetValue(requestId, out var request))
            return; // another node's, or too late
        bool complete;
        lock (request)
        {
            switch (request.Type)
            {
                case RedisRequestType.RemoteFetch:
                    request.MessageCount++;
                    if (response.TryGet("sockets"u8, out var sockets) && sockets.ValueKind == JsonValueKind.Array)
                    {
                        foreach (var socket in sockets.EnumerateArray())
                            request.Sockets.Add(RedisJson.ReadSocket(this, socket));
                    }
                    complete = request.MessageCount >= request.Expected;
                    break;
                case RedisRequestType.AllRooms:
                    request.MessageCount++;
                    if (response.TryGet("rooms"u8, out var rooms))
                        request.Rooms.UnionWith(RedisMessage.Rooms(rooms));
                    complete = request.MessageCount >= request.Expected;
                    break;
                case RedisRequestType.ServerSideEmit:
                    request.Responses.Add(response.TryGet("data"u8, out var data) ? data.Clone() : default);
                    complete = request.Responses.Count >= request.Expected;
                    break;
                default:
                    complete = false;
                    break;
            }
        }
        if (complete)
        {
            Forget(requestId);
            request.Completion.TrySetResult();
        }
    }
}
