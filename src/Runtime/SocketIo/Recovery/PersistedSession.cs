namespace TypedIo.SocketIo;

/// <summary>What is kept of a socket that may come back: its ids, rooms and data, and when it left.</summary>
internal sealed record PersistedSession(string SocketId, string PrivateId, IReadOnlySet<string> Rooms, IReadOnlyDictionary<string, object?> Data, long DisconnectedAt);
