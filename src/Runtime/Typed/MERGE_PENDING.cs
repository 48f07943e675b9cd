using TypedIo.SocketIo;
namespace TypedIo;
// Temporary until branch issue8 (broadcast acks) is merged.
internal static class MERGE_PENDING
{
    public static Task<(IReadOnlyList<(string SocketId, SocketArgs Args)> Responses, IReadOnlyList<string> TimedOut)> EmitWithAckAsync(BroadcastOperator op, string e, object?[] a, TimeSpan t, CancellationToken c) => throw new NotImplementedException();
}
