using TypedIo.SocketIo;

namespace TypedIo.Tests.SocketIo.BroadcastAcks;

/// <summary>
/// The adapter seam of broadcast acks: an adapter that claims a second node and reports for it by hand, as a
/// multi-node adapter relays what another server says.
/// </summary>
public sealed class MultiNodeBroadcastAckTests
{
    private static readonly TimeSpan AckTimeout = TimeSpan.FromSeconds(7.25);

    /// <summary>This node's sockets through the base class; the other node is whatever the test reports.</summary>
    private sealed class TwoNodeAdapter(Namespace nsp) : InMemoryAdapter(nsp)
    {
        public TaskCompletionSource<IBroadcastAckReceiver> Receiver { get; } = SioTest.Signal<IBroadcastAckReceiver>();

        public override ValueTask<int> ServerCountAsync() => ValueTask.FromResult(2);

        public override async ValueTask BroadcastWithAckAsync(EncodedPacket packet, long ackId, BroadcastOptions options, IBroadcastAckReceiver receiver)
        {
            await base.BroadcastWithAckAsync(packet, ackId, options, receiver);
            Receiver.SetResult(receiver);
        }
    }

    [Fact]
    public async Task The_broadcast_waits_for_every_node_and_names_remote_sockets_that_did_not_answer()
    {
        TwoNodeAdapter? adapter = null;
        await using var g = await SocketGroup.StartAsync(1, "/cluster", io => io.UseAdapter(nsp => adapter = new TwoNodeAdapter(nsp)));

        var pending = g.Namespace.All.EmitWithAckAsync("q", [], AckTimeout);
        var id = SocketGroup.AckIdOf(await g.Clients[0].ReceiveAsync());
        await g.Clients[0].SendAsync($"""43/cluster,{id}["local"]""");
        await g.SyncAsync(0, "/cluster");
        Assert.False(pending.IsCompleted, "the other node has not reported yet");

        var receiver = await adapter!.Receiver.Task.Within();
        receiver.OnSent(["remote-1", "remote-2"]);
        receiver.OnAck(new SocketAckResponse("remote-1", SocketArgs.Empty));
        Assert.False(pending.IsCompleted, "remote-2 has not answered");

        g.Timers.Fire(AckTimeout);
        var result = await pending.Within();
        Assert.Equal([g.Sockets[0].Id, "remote-1"], result.Responses.Select(r => r.SocketId));
        Assert.Equal(["remote-2"], result.TimedOut);
    }

    [Fact]
    public async Task It_completes_when_both_nodes_reported_and_every_socket_answered()
    {
        TwoNodeAdapter? adapter = null;
        await using var g = await SocketGroup.StartAsync(1, "/cluster", io => io.UseAdapter(nsp => adapter = new TwoNodeAdapter(nsp)));

        var pending = g.Namespace.All.EmitWithAckAsync("q", [], AckTimeout);
        var id = SocketGroup.AckIdOf(await g.Clients[0].ReceiveAsync());
        var receiver = await adapter!.Receiver.Task.Within();
        receiver.OnAck(new SocketAckResponse("remote-1", SocketArgs.Empty)); // an answer may come before its node's count
        receiver.OnSent(["remote-1"]);
        Assert.False(pending.IsCompleted);
        await g.Clients[0].SendAsync($"""43/cluster,{id}["local"]""");

        var result = await pending.Within();
        Assert.Equal(2, result.Responses.Count);
        Assert.Empty(result.TimedOut);
    }

    [Fact]
    public async Task A_node_that_reports_a_count_only_has_its_answers_and_missing_sockets_unnamed()
    {
        TwoNodeAdapter? adapter = null;
        await using var g = await SocketGroup.StartAsync(1, "/cluster", io => io.UseAdapter(nsp => adapter = new TwoNodeAdapter(nsp)));

        var pending = g.Namespace.All.EmitWithAckAsync("q", [], AckTimeout);
        var id = SocketGroup.AckIdOf(await g.Clients[0].ReceiveAsync());
        await g.Clients[0].SendAsync($"""43/cluster,{id}["local"]""");
        await g.SyncAsync(0, "/cluster"); // the local answer is handled before the timer fires
        var receiver = await adapter!.Receiver.Task.Within();
        receiver.OnSent(3); // as Node's Redis adapter reports: a client count, no ids
        receiver.OnAck(new SocketAckResponse("", SocketArgs.Empty));
        Assert.False(pending.IsCompleted, "two of the other node's sockets have not answered");

        g.Timers.Fire(AckTimeout);
        var result = await pending.Within();
        Assert.Equal(["", g.Sockets[0].Id], result.Responses.Select(r => r.SocketId).Order(StringComparer.Ordinal));
        Assert.Equal(["", ""], result.TimedOut);
        Assert.Equal(0, result.UnreportedNodes);
        Assert.False(result.IsComplete);
    }

    [Fact]
    public async Task A_node_that_never_reports_is_counted_as_unreported_at_the_timeout()
    {
        TwoNodeAdapter? adapter = null;
        await using var g = await SocketGroup.StartAsync(1, "/cluster", io => io.UseAdapter(nsp => adapter = new TwoNodeAdapter(nsp)));

        var pending = g.Namespace.All.EmitWithAckAsync("q", [], AckTimeout);
        var id = SocketGroup.AckIdOf(await g.Clients[0].ReceiveAsync());
        await g.Clients[0].SendAsync($"""43/cluster,{id}["local"]""");
        await adapter!.Receiver.Task.Within();
        await g.SyncAsync(0, "/cluster");
        Assert.False(pending.IsCompleted, "the other node has not reported");

        g.Timers.Fire(AckTimeout);
        var result = await pending.Within();
        Assert.Single(result.Responses);
        Assert.Empty(result.TimedOut);
        Assert.Equal(1, result.UnreportedNodes);
        Assert.False(result.IsComplete);
    }
}
