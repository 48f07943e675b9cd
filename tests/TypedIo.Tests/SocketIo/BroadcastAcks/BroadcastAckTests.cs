using TypedIo.SocketIo;

namespace TypedIo.Tests.SocketIo.BroadcastAcks;

/// <summary><see cref="BroadcastOperator.EmitWithAckAsync"/> over real WebSocket clients, on manually fired timers.</summary>
public sealed class BroadcastAckTests
{
    /// <summary>A timeout no other timer of the server uses, so firing it fires only the broadcasts' timers.</summary>
    private static readonly TimeSpan AckTimeout = TimeSpan.FromSeconds(7.25);

    [Fact]
    public async Task Three_sockets_two_answer_one_never_gives_two_responses_and_one_timed_out()
    {
        await using var g = await SocketGroup.StartAsync(3);

        var pending = g.Namespace.All.EmitWithAckAsync("ready?", ["round", 1], AckTimeout);

        var packets = new string[3];
        for (var i = 0; i < 3; i++)
            packets[i] = await g.Clients[i].ReceiveAsync();
        var id = SocketGroup.AckIdOf(packets[0]);
        Assert.All(packets, p => Assert.Equal($"""42{id}["ready?","round",1]""", p));

        // Two connections are read concurrently: the second answer is sent once the server has handled the first,
        // so "arrival order" is the order below.
        await g.Clients[2].SendAsync($"""43{id}["two",2]""");
        await g.SyncAsync(2);
        await g.Clients[0].SendAsync($"""43{id}["zero",0]""");
        await g.SyncAsync(0);
        Assert.False(pending.IsCompleted, "client 1 has not answered: the broadcast waits for it or for the timeout");

        Assert.Equal(1, g.Timers.Fire(AckTimeout));
        var result = await pending.Within();

        Assert.Equal([g.Sockets[2].Id, g.Sockets[0].Id], result.Responses.Select(r => r.SocketId));
        Assert.Equal("two", result.Responses[0].Args[0].GetString());
        Assert.Equal(2, result.Responses[0].Args[1].GetInt32());
        Assert.Equal("zero", result.Responses[1].Args[0].GetString());
        Assert.Equal([g.Sockets[1].Id], result.TimedOut);
    }

    [Fact]
    public async Task When_every_socket_answers_it_completes_without_the_timeout_and_keeps_arrival_order()
    {
        await using var g = await SocketGroup.StartAsync(3);

        var pending = g.Namespace.All.EmitWithAckAsync("q", [], AckTimeout);
        var id = SocketGroup.AckIdOf(await g.Clients[0].ReceiveAsync());
        await g.Clients[1].ReceiveAsync();
        await g.Clients[2].ReceiveAsync();

        foreach (var i in new[] { 1, 2, 0 })
        {
            await g.Clients[i].SendAsync($"""43{id}[{i}]""");
            await g.SyncAsync(i);
        }

        var result = await pending.Within();
        Assert.Equal([1, 2, 0], result.Responses.Select(r => r.Args[0].GetInt32()));
        Assert.Equal([g.Sockets[1].Id, g.Sockets[2].Id, g.Sockets[0].Id], result.Responses.Select(r => r.SocketId));
        Assert.Empty(result.TimedOut);
        // Completed, so its timer was released: nothing is left to fire.
        await EngineIo.EioTestUtil.WaitUntilAsync(() => g.Timers.Count(AckTimeout) == 0, "the broadcast timer to be disposed", SioTest.Timeout);
    }

    [Fact]
    public async Task With_no_targeted_socket_it_completes_at_once_with_empty_lists()
    {
        await using var g = await SocketGroup.StartAsync(1);

        var pending = g.Namespace.To("nobody-here").EmitWithAckAsync("q", [], AckTimeout);

        Assert.True(pending.IsCompletedSuccessfully);
        var result = await pending;
        Assert.Empty(result.Responses);
        Assert.Empty(result.TimedOut);
        Assert.Equal(0, g.Timers.Count(AckTimeout));
        await g.SyncAsync(0); // nothing was sent to the one client: the marker is the next thing it gets
    }

    [Fact]
    public async Task A_socket_that_disconnects_before_answering_is_timed_out_and_the_broadcast_does_not_wait_for_it()
    {
        await using var g = await SocketGroup.StartAsync(2);
        var gone = g.Sockets[1].DisconnectedReason();

        var pending = g.Namespace.All.EmitWithAckAsync("q", [], AckTimeout);
        var id = SocketGroup.AckIdOf(await g.Clients[0].ReceiveAsync());
        await g.Clients[1].ReceiveAsync();

        await g.Clients[1].SendAsync("41");
        await gone.Within();
        Assert.False(pending.IsCompleted);
        await g.Clients[0].SendAsync($"""43{id}["ok"]""");

        var result = await pending.Within();
        Assert.Equal([g.Sockets[0].Id], result.Responses.Select(r => r.SocketId));
        Assert.Equal([g.Sockets[1].Id], result.TimedOut);
    }

    [Fact]
    public async Task Rooms_and_except_select_the_recipients_and_the_sender_can_be_excluded()
    {
        await using var g = await SocketGroup.StartAsync(4);
        g.Sockets[0].Join("team");
        g.Sockets[1].Join("team");
        g.Sockets[2].Join("team");
        g.Sockets[2].Join("muted");

        // Sent by socket 0 to its room: 0 (the sender), 2 (muted) and 3 (not in the room) get nothing.
        var pending = g.Sockets[0].To("team").Except("muted").EmitWithAckAsync("vote?", [], AckTimeout);
        var id = SocketGroup.AckIdOf(await g.Clients[1].ReceiveAsync());
        await g.Clients[1].SendAsync($"""43{id}["yes"]""");

        var result = await pending.Within();
        Assert.Equal([g.Sockets[1].Id], result.Responses.Select(r => r.SocketId));
        Assert.Empty(result.TimedOut);
        foreach (var i in new[] { 0, 2, 3 })
            await g.SyncAsync(i);
    }

    [Fact]
    public async Task An_answer_after_the_timeout_is_ignored_and_the_socket_stays_connected()
    {
        await using var g = await SocketGroup.StartAsync(1);

        var pending = g.Namespace.All.EmitWithAckAsync("q", [], AckTimeout);
        var id = SocketGroup.AckIdOf(await g.Clients[0].ReceiveAsync());
        g.Timers.Fire(AckTimeout);
        var result = await pending.Within();
        Assert.Empty(result.Responses);
        Assert.Equal([g.Sockets[0].Id], result.TimedOut);

        await g.Clients[0].SendAsync($"""43{id}["late"]""");
        await g.SyncAsync(0);
        Assert.True(g.Sockets[0].Connected);

        // The next emit with ack gets the next id of the namespace and still works.
        var next = g.Sockets[0].EmitWithAckAsync("again", []);
        Assert.Equal($"""42{id + 1}["again"]""", await g.Clients[0].ReceiveAsync());
        await g.Clients[0].SendAsync($"""43{id + 1}[1]""");
        Assert.Equal(1, (await next.Within())[0].GetInt32());
    }

    [Fact]
    public async Task Cancelling_ends_the_wait_and_a_later_answer_is_harmless()
    {
        await using var g = await SocketGroup.StartAsync(2);
        using var cts = new CancellationTokenSource();

        var pending = g.Namespace.All.EmitWithAckAsync("q", [], Timeout.InfiniteTimeSpan, cts.Token);
        var id = SocketGroup.AckIdOf(await g.Clients[0].ReceiveAsync());
        await g.Clients[1].ReceiveAsync();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.Within());
        await g.Clients[0].SendAsync($"""43{id}["after cancel"]""");
        await g.SyncAsync(0);
    }

    [Fact]
    public async Task Volatile_and_compress_flags_are_allowed()
    {
        await using var g = await SocketGroup.StartAsync(1);
        await EngineIo.EioTestUtil.WaitUntilAsync(() => g.Sockets[0].Connection.IsWritable, "an empty send queue");

        var pending = g.Namespace.Volatile.Compress(false).EmitWithAckAsync("q", [], AckTimeout);
        var id = SocketGroup.AckIdOf(await g.Clients[0].ReceiveAsync());
        await g.Clients[0].SendAsync($"""43{id}[true]""");

        Assert.True((await pending.Within()).Responses[0].Args[0].GetBoolean());
    }

    [Fact]
    public async Task Arguments_are_checked()
    {
        await using var g = await SocketGroup.StartAsync(1);

        // Thrown at the call, not through the task.
        Assert.Throws<ArgumentException>(() => { _ = g.Namespace.All.EmitWithAckAsync("disconnect", [], AckTimeout); });
        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = g.Namespace.All.EmitWithAckAsync("q", [], TimeSpan.Zero); });
        Assert.Throws<ArgumentNullException>(() => { _ = g.Namespace.All.EmitWithAckAsync("q", null!, AckTimeout); });
        await g.SyncAsync(0);
    }
}
