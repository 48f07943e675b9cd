namespace TypedIo.SocketIo;

/// <summary>
/// What a broadcast with ack (<see cref="BroadcastOperator.EmitWithAckAsync"/>) collected: the answers, in the order
/// they arrived, and the sockets that did not answer in time.
/// </summary>
public sealed class BroadcastAckResult
{
    /// <summary>Creates a result (adapters and tests; the server builds its own).</summary>
    public BroadcastAckResult(IReadOnlyList<SocketAckResponse> responses, IReadOnlyList<string> timedOut)
        : this(responses, timedOut, 0)
    {
    }

    /// <summary>Creates a result in which <paramref name="unreportedNodes"/> server nodes never said whom they sent to.</summary>
    public BroadcastAckResult(IReadOnlyList<SocketAckResponse> responses, IReadOnlyList<string> timedOut, int unreportedNodes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(unreportedNodes);
        UnreportedNodes = unreportedNodes;
        ArgumentNullException.ThrowIfNull(responses);
        ArgumentNullException.ThrowIfNull(timedOut);
        Responses = responses;
        TimedOut = timedOut;
    }

    /// <summary>One answer per socket that answered in time, in arrival order.</summary>
    public IReadOnlyList<SocketAckResponse> Responses { get; }

    /// <summary>
    /// The ids of the targeted sockets that did not answer in time, those that disconnected before answering included.
    /// Empty when every socket answered. A socket of another node that reported only how many sockets it sent to (Node's
    /// Redis adapters) is listed as an empty id, so the count is always right.
    /// </summary>
    public IReadOnlyList<string> TimedOut { get; }

    /// <summary>
    /// How many server nodes did not report before the timeout whom they sent the packet to (a node that hangs or died
    /// after being counted): their sockets are in neither list. Always 0 with one node.
    /// </summary>
    public int UnreportedNodes { get; }

    /// <summary>Whether every targeted socket of every node answered in time.</summary>
    public bool IsComplete => TimedOut.Count == 0 && UnreportedNodes == 0;
}
