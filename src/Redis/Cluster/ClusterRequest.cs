using System.Text.Json;
using TypedIo.SocketIo;

namespace TypedIo.Redis.Cluster;

/// <summary>
/// A request of this node waiting for the other nodes' answers: complete when <see cref="Expected"/> nodes answered,
/// or, when created with the nodes it waits for, when each of them did (what a cluster that tracks its nodes by
/// heartbeat knows).
/// </summary>
internal sealed class ClusterRequest
{
    private readonly HashSet<string>? _missing;

    public ClusterRequest(ClusterMessageType type, int expected, IEnumerable<string>? nodes = null)
    {
        Type = type;
        Expected = expected;
        if (nodes is not null)
        {
            _missing = new HashSet<string>(nodes, StringComparer.Ordinal);
            Expected = _missing.Count;
        }
    }

    public ClusterMessageType Type { get; }

    /// <summary>How many answers complete it.</summary>
    public int Expected { get; }

    /// <summary>Answers so far.</summary>
    public int Answered { get; private set; }

    /// <summary>The nodes that have not answered yet, when it waits for named nodes; else null.</summary>
    public IReadOnlyCollection<string>? Missing => _missing;

    public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Sockets of a fetchSockets (this node's first).</summary>
    public List<RemoteSocket> Sockets { get; } = [];

    /// <summary>Answers of a server-side emit with ack.</summary>
    public List<JsonElement> Responses { get; } = [];

    /// <summary>Whether an answer of node <paramref name="uid"/> counts: any node's, or only a node it still waits for.</summary>
    public bool Accepts(string uid) => _missing is null || _missing.Contains(uid);

    /// <summary>Counts the answer of node <paramref name="uid"/> (call under the request's lock); true when that completes it.</summary>
    public bool Answer(string uid)
    {
        if (_missing is not null)
        {
            if (!_missing.Remove(uid))
                return false; // a node it does not wait for, or a second answer
            Answered++;
            return _missing.Count == 0;
        }
        Answered++;
        return Answered >= Expected;
    }
}
