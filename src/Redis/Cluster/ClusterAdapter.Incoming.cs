using System.Text.Json;
using TypedIo.Redis.Protocol;
using TypedIo.SocketIo;

namespace TypedIo.Redis.Cluster;

// What the other nodes ask of this node.
public abstract partial class ClusterAdapter
{
    /// <summary>
    /// A message another node published (socket.io-adapter's <c>onMessage</c>), with its <paramref name="offset"/> when
    /// the transport has one. This node's own messages and other namespaces' are ignored; responses go to
    /// <see cref="OnResponse"/>. Throws <see cref="FormatException"/> (or a JSON or msgpack exception) when the message
    /// is malformed: the transport logs and drops it (<see cref="IsMalformed"/>).
    /// </summary>
    private protected virtual void OnMessage(ClusterMessage message, string? offset = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Uid == Uid || message.Namespace != Namespace.Name)
            return;
        switch (message.Type)
        {
            case ClusterMessageType.Broadcast:
                OnBroadcast(message, offset);
                break;

            case ClusterMessageType.SocketsJoin:
                base.AddSockets(message.ReadOptions(), Rooms(message));
                break;

            case ClusterMessageType.SocketsLeave:
                base.DeleteSockets(message.ReadOptions(), Rooms(message));
                break;

            case ClusterMessageType.DisconnectSockets:
                base.DisconnectSockets(message.ReadOptions(), message.TryGet("close"u8, out var close) && close.ValueKind == JsonValueKind.True);
                break;

            case ClusterMessageType.FetchSockets:
                OnFetchSockets(message);
                break;

            case ClusterMessageType.ServerSideEmit:
                OnServerSideEmit(message);
                break;

            case ClusterMessageType.BroadcastClientCount:
            case ClusterMessageType.BroadcastAck:
            case ClusterMessageType.FetchSocketsResponse:
            case ClusterMessageType.ServerSideEmitResponse:
                // A transport may not tell requests from responses.
                OnResponse(message);
                break;

            case ClusterMessageType.InitialHeartbeat:
            case ClusterMessageType.Heartbeat:
            case ClusterMessageType.AdapterClose:
                // Node tracking belongs to a cluster with heartbeats; without it there is nothing to do.
                break;

            default:
                throw new FormatException($"Unknown message type {(int)message.Type}.");
        }
    }

    /// <summary>Whether <paramref name="exception"/> says that a message was malformed (to log and drop), not that this node failed.</summary>
    private protected static bool IsMalformed(Exception exception) =>
        exception is FormatException or JsonException or MessagePack.MessagePackSerializationException or InvalidOperationException
            or InvalidCastException or KeyNotFoundException or ArgumentException or EndOfStreamException;

    private static string[] Rooms(ClusterMessage message) =>
        message.TryGet("rooms"u8, out var rooms) && rooms.ValueKind == JsonValueKind.Array
            ? [.. RedisMessage.Rooms(rooms)]
            : throw new FormatException("The message carries no rooms.");

    private void OnBroadcast(ClusterMessage message, string? offset)
    {
        var packet = message.ReadPacket();
        if (packet.Type is not (SocketPacketType.Event or SocketPacketType.BinaryEvent))
            throw new FormatException($"A broadcast carries an event, not packet type {packet.Type}.");
        var options = message.ReadOptions();
        if (message.RequestId is not { } requestId)
        {
            var encoded = packet.Encode(Parser);
            _ = base.BroadcastAsync(AddOffsetIfNecessary(encoded, options, offset), options);
            return;
        }
        var ackId = Namespace.NextAckId();
        _ = base.BroadcastWithAckAsync(packet.Encode(Parser, ackId), ackId, options, new AckRelay(this, message.Uid, requestId));
    }

    private void OnFetchSockets(ClusterMessage message)
    {
        var requestId = message.RequestId ?? throw new FormatException("FETCH_SOCKETS carries a request id.");
        var sockets = base.FetchSocketsAsync(message.ReadOptions()).GetAwaiter().GetResult();
        PublishResponse(message.Uid, NewMessage(ClusterMessageType.FetchSocketsResponse, w =>
        {
            w.WriteString("requestId"u8, requestId);
            w.WriteStartArray("sockets"u8);
            foreach (var socket in sockets)
                RedisJson.WriteSocket(w, socket, Parser.SerializerOptions);
            w.WriteEndArray();
        }));
    }

    private void OnServerSideEmit(ClusterMessage message)
    {
        if (!message.TryGet("packet"u8, out var packet) || packet.ValueKind != JsonValueKind.Array || packet.GetArrayLength() == 0
            || packet[0].ValueKind != JsonValueKind.String)
            throw new FormatException("A server-side emit carries [event, ...args].");
        var name = packet[0].GetString()!;
        var args = RedisJson.ArgsAfterFirst(packet, message.Attachments);
        if (message.RequestId is not { } requestId)
        {
            OnServerSideEmit(new ServerSideEvent(name, args));
            return;
        }
        var requester = message.Uid;
        OnServerSideEmit(new ServerSideEvent(name, args, answer =>
        {
            var encoded = Parser.EncodeAck(Namespace.Name, 0, [answer]);
            PublishResponse(requester, NewMessage(ClusterMessageType.ServerSideEmitResponse, w =>
            {
                w.WriteString("requestId"u8, requestId);
                using var document = JsonDocument.Parse(encoded.Data);
                w.WritePropertyName("packet"u8);
                document.RootElement[0].WriteTo(w);
            }, ClusterJson.Attachments(encoded)));
        }));
    }


    /// <summary>Tells the requesting node how many of this node's sockets got its broadcast, then each of their answers.</summary>
    private sealed class AckRelay(ClusterAdapter adapter, string requester, string requestId) : IBroadcastAckReceiver
    {
        public void OnSent(IReadOnlyCollection<string> socketIds) => OnSent(socketIds.Count);

        public void OnSent(int socketCount) =>
            adapter.PublishResponse(requester, adapter.NewMessage(ClusterMessageType.BroadcastClientCount, w =>
            {
                w.WriteString("requestId"u8, requestId);
                w.WriteNumber("clientCount"u8, socketCount);
            }));

        /// <summary>The client's first ack argument (socket.io's ack callback passes only that); none when it answered with none.</summary>
        public void OnAck(SocketAckResponse response)
        {
            var args = response.Args;
            adapter.PublishResponse(requester, adapter.NewMessage(ClusterMessageType.BroadcastAck, w =>
            {
                w.WriteString("requestId"u8, requestId);
                if (args.Count > 0)
                {
                    w.WritePropertyName("packet"u8);
                    w.WriteRawValue(args[0].GetRawText(), skipInputValidation: true);
                }
            }, ClusterJson.Attachments(args)));
        }

        public void OnDisconnected(string socketId)
        {
            // socket.io-adapter says nothing: the requester's timeout covers it.
        }
    }
}
