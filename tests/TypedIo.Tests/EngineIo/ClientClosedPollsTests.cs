using TypedIo.EngineIo;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Tests.EngineIo;

/// <summary>
/// The grace a client-closed polling session's late poll has (<see cref="ClientClosedPolls"/>): a noop once within it,
/// nothing after it, and the heartbeat's tick drops what has expired so a flood of closes cannot pile up.
/// </summary>
public sealed class ClientClosedPollsTests
{
    private static readonly long Grace = (long)ClientClosedPolls.Grace.TotalMilliseconds;

    [Fact]
    public void A_session_is_taken_once_within_the_grace()
    {
        var polls = new ClientClosedPolls();
        polls.Add("a", now: 1_000);

        Assert.False(polls.TryTake("b", 1_000));
        Assert.True(polls.TryTake("a", 1_000 + Grace - 1));
        Assert.False(polls.TryTake("a", 1_000 + Grace - 1));
    }

    [Fact]
    public void A_session_is_not_taken_once_its_grace_is_over()
    {
        var polls = new ClientClosedPolls();
        polls.Add("a", now: 1_000);

        Assert.False(polls.TryTake("a", 1_000 + Grace));
        Assert.Equal(0, polls.Count);
    }

    [Fact]
    public async Task The_heartbeat_tick_drops_the_expired_sessions_and_keeps_the_others()
    {
        await using var server = new EngineIoServer(new EngineIoOptions(), new RecordingHandler());
        var polls = server.ClientClosedPolls;
        for (var i = 0; i < 1_000; i++)
            polls.Add("old" + i, now: 1_000);
        polls.Add("new", now: 1_500);

        HeartbeatScheduler.CheckAll(server, 1_000 + Grace);

        Assert.Equal(1, polls.Count);
        Assert.True(polls.TryTake("new", 1_000 + Grace));
    }
}
