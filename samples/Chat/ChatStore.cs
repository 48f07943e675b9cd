namespace TypedIo.Samples.Chat;

/// <summary>The chat's memory: the last messages of each room and who is in it. Thread-safe; a sample, so in memory.</summary>
public sealed class ChatStore(TimeProvider time)
{
    private const int HistoryLength = 50;
    private readonly object _gate = new();
    private readonly Dictionary<string, List<ChatMessage>> _history = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, string>> _members = new(StringComparer.Ordinal);
    private long _nextId;

    public ChatMessage Add(string room, string user, string text)
    {
        lock (_gate)
        {
            var message = new ChatMessage((++_nextId).ToString(System.Globalization.CultureInfo.InvariantCulture), room, user, text, time.GetUtcNow());
            if (!_history.TryGetValue(room, out var list))
                _history[room] = list = [];
            list.Add(message);
            if (list.Count > HistoryLength)
                list.RemoveAt(0);
            return message;
        }
    }

    public IReadOnlyList<ChatMessage> History(string room)
    {
        lock (_gate)
            return _history.TryGetValue(room, out var list) ? [.. list] : [];
    }

    public int Clear(string room)
    {
        lock (_gate)
            return _history.Remove(room, out var list) ? list.Count : 0;
    }

    /// <summary>Adds a socket to a room's members; returns the member names.</summary>
    public IReadOnlyList<string> Enter(string room, string socketId, string user)
    {
        lock (_gate)
        {
            if (!_members.TryGetValue(room, out var members))
                _members[room] = members = new Dictionary<string, string>(StringComparer.Ordinal);
            members[socketId] = user;
            return Names(members);
        }
    }

    public IReadOnlyList<string> Exit(string room, string socketId)
    {
        lock (_gate)
        {
            if (!_members.TryGetValue(room, out var members))
                return [];
            members.Remove(socketId);
            return Names(members);
        }
    }

    /// <summary>Removes a socket from every room; returns each room it left with the members left.</summary>
    public IReadOnlyList<(string Room, IReadOnlyList<string> Members)> ExitAll(string socketId)
    {
        lock (_gate)
        {
            var left = new List<(string, IReadOnlyList<string>)>();
            foreach (var (room, members) in _members)
            {
                if (members.Remove(socketId))
                    left.Add((room, Names(members)));
            }
            return left;
        }
    }

    private static IReadOnlyList<string> Names(Dictionary<string, string> members) =>
        [.. members.Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
}
