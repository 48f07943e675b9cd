namespace TypedIo.SocketIo;

/// <summary>
/// The session of a socket that lost its connection with a recoverable reason, as the Runtime hands it to
/// <see cref="SocketAdapter.PersistSessionAsync(SocketSession)"/> (socket.io-adapter's <c>SessionToPersist</c>:
/// <c>sid</c>, <c>pid</c>, <c>rooms</c>, <c>data</c>) and gets it back from
/// <see cref="SocketAdapter.RestoreSessionAsync(string, string, CancellationToken)"/>.
/// </summary>
/// <remarks>
/// Everything a remote adapter needs to store the session as Node's adapters do: Node's streams adapter writes
/// <c>{sid, pid, rooms, data}</c> msgpack-encoded under <c>pid</c> and lets Redis expire it after
/// <see cref="ConnectionStateRecoveryOptions.MaxDisconnectionDuration"/>. <see cref="Data"/> is the socket's
/// <see cref="Socket.Data"/> (Node's <c>socket.data</c>, an object): a remote adapter writes it as a JSON/msgpack map
/// with the parser's serializer options, as it writes the data of a socket for <c>fetchSockets</c>, and gives it back
/// as <see cref="System.Text.Json.JsonElement"/> values.
/// </remarks>
public sealed class SocketSession
{
    /// <summary>Creates a session.</summary>
    public SocketSession(string id, string privateId, IReadOnlySet<string> rooms, IReadOnlyDictionary<string, object?> data, DateTimeOffset disconnectedAt)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentException.ThrowIfNullOrEmpty(privateId);
        ArgumentNullException.ThrowIfNull(rooms);
        ArgumentNullException.ThrowIfNull(data);
        Id = id;
        PrivateId = privateId;
        Rooms = rooms;
        Data = data;
        DisconnectedAt = disconnectedAt;
    }

    /// <summary>The socket id (Node's <c>sid</c>), which the recovered socket keeps.</summary>
    public string Id { get; }

    /// <summary>The private session id (Node's <c>pid</c>) the client presents to recover; never shown to other clients.</summary>
    public string PrivateId { get; }

    /// <summary>The rooms the socket was in when it left, its own id room included.</summary>
    public IReadOnlySet<string> Rooms { get; }

    /// <summary>A copy of the socket's <see cref="Socket.Data"/> when it left (empty when it was never used).</summary>
    public IReadOnlyDictionary<string, object?> Data { get; }

    /// <summary>When the socket left (UTC, from the server's clock).</summary>
    public DateTimeOffset DisconnectedAt { get; }
}
