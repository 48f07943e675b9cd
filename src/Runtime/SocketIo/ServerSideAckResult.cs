using System.Text.Json;

namespace TypedIo.SocketIo;

/// <summary>
/// What <see cref="Namespace.ServerSideEmitWithAckAsync"/> collected: one answer per other server node, in arrival
/// order, and how many nodes did not answer in time. Empty with a single node.
/// </summary>
public sealed class ServerSideAckResult
{
    /// <summary>Creates a result (multi-node adapters do).</summary>
    public ServerSideAckResult(IReadOnlyList<JsonElement> responses, int timedOutServers)
    {
        ArgumentNullException.ThrowIfNull(responses);
        ArgumentOutOfRangeException.ThrowIfNegative(timedOutServers);
        Responses = responses;
        TimedOutServers = timedOutServers;
    }

    /// <summary>No other node: no answers, none missing.</summary>
    public static ServerSideAckResult Empty { get; } = new([], 0);

    /// <summary>The answers of the other nodes, in arrival order.</summary>
    public IReadOnlyList<JsonElement> Responses { get; }

    /// <summary>How many other nodes did not answer in time.</summary>
    public int TimedOutServers { get; }
}
