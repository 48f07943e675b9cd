using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using TypedIo.EngineIo;
using TypedIo.SocketIo;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Tests.SocketIo.Scheduling;

/// <summary>
/// A connection's read turn in inline scheduling (<c>ReadTurn</c>): it ends, and the reader moves to the thread pool
/// once, after 1 ms of handling in a row; the time a connection waits for its next message is given back.
/// </summary>
public sealed class ReadTurnTests
{
    private static readonly long Millisecond = Stopwatch.Frequency / 1000;

    [Fact]
    public void Handling_back_to_back_ends_the_turn_after_the_budget_and_starts_a_new_one()
    {
        var turn = new ReadTurn();
        var now = 1_000 * Millisecond;
        var ended = new List<int>();
        for (var i = 0; i < 10; i++)
        {
            if (turn.Spend(now, now + Millisecond * 3 / 10, Millisecond))
                ended.Add(i);
            now += Millisecond * 3 / 10;
        }
        // 0.3 ms each: the fourth message takes the turn to 1.2 ms, and a new turn starts from nothing.
        Assert.Equal([3, 7], ended);
    }

    [Fact]
    public void A_connection_that_waits_longer_than_it_handles_never_ends_its_turn()
    {
        var turn = new ReadTurn();
        var now = 1_000 * Millisecond;
        for (var i = 0; i < 1_000; i++)
        {
            Assert.False(turn.Spend(now, now + Millisecond * 3 / 10, Millisecond), $"message {i}");
            now += Millisecond * 3 / 10 + Millisecond * 4 / 10; // handled 0.3 ms, then waited 0.4 ms for the next one
        }
    }

    [Fact]
    public void The_wait_is_given_back_only_down_to_nothing_and_only_what_was_waited()
    {
        var turn = new ReadTurn();
        var now = 1_000 * Millisecond;
        Assert.False(turn.Spend(now, now + Millisecond * 9 / 10, Millisecond)); // 0.9 ms spent
        now += Millisecond * 9 / 10 + Millisecond / 10; // waited 0.1 ms: 0.8 ms left
        Assert.False(turn.Spend(now, now + Millisecond / 10, Millisecond)); // 0.9 ms
        now += Millisecond / 10;
        Assert.True(turn.Spend(now, now + Millisecond / 10, Millisecond)); // 1.0 ms, no wait: over

        now += Millisecond / 10 + 50 * Millisecond; // a long wait gives back no more than was spent
        Assert.False(turn.Spend(now, now + Millisecond * 9 / 10, Millisecond));
        now += Millisecond * 9 / 10;
        Assert.True(turn.Spend(now, now + Millisecond / 10, Millisecond));
    }

    [Fact]
    public void A_reset_starts_a_new_turn_and_counts_the_wait_from_it()
    {
        var turn = new ReadTurn();
        var now = 1_000 * Millisecond;
        Assert.False(turn.Spend(now, now + Millisecond * 9 / 10, Millisecond));
        now += Millisecond;
        turn.Reset(now);
        Assert.False(turn.Spend(now, now + Millisecond * 9 / 10, Millisecond));
        now += Millisecond * 9 / 10;
        Assert.True(turn.Spend(now, now + Millisecond / 10, Millisecond));
    }

    /// <summary>
    /// Every ack client waits between its messages. Before, the budget was reset only when reading the message itself
    /// was pending, not when the zero-byte read that waits for it was: such a connection spent its 1 ms over many
    /// messages and moved to the thread pool needlessly (here 5 times for 20 messages of 0.25 ms). The server's clock
    /// moves only when the test moves it, so the counts are exact on any machine.
    /// </summary>
    [Fact]
    public async Task A_client_that_waits_for_each_answer_does_not_end_its_turns()
    {
        const int Messages = 20;
        var clock = new ManualClock();
        await using var host = await StartSpinningAsync(clock, e => e.Ack("done"));
        var engine = host.Services.GetRequiredSocketIo().Engine;
        var (client, _) = await SioClient.ConnectAndJoinAsync(host);
        using (client)
        {
            for (var i = 0; i < Messages; i++)
            {
                await client.SendAsync($$"""42{{i}}["spin"]""");
                Assert.Equal($$"""43{{i}}["done"]""", await client.ReceiveAsync());
                clock.Advance(Millisecond / 2); // waited longer than the message took
            }
            Assert.Equal(0, engine.ReadTurnsEnded);
        }
    }

    /// <summary>A client that does not wait still ends its turns (the flooder of InlineReadFairnessTests).</summary>
    [Fact]
    public async Task A_client_that_does_not_wait_ends_a_turn_every_millisecond_of_handling()
    {
        const int Messages = 40;
        var clock = new ManualClock();
        var answered = 0;
        var allAnswered = SioTest.Signal<bool>();
        await using var host = await StartSpinningAsync(clock, _ =>
        {
            if (Interlocked.Increment(ref answered) == Messages)
                allAnswered.TrySetResult(true);
        });
        var engine = host.Services.GetRequiredSocketIo().Engine;
        var (client, _) = await SioClient.ConnectAndJoinAsync(host);
        using (client)
        {
            for (var i = 0; i < Messages; i++)
                await client.SendAsync("""42["spin"]""");
            await allAnswered.Task.Within();
            Assert.Equal(Messages / 4, engine.ReadTurnsEnded);
        }
    }

    /// <summary>A server in inline scheduling whose <c>spin</c> handler takes 0.25 ms on <paramref name="clock"/>.</summary>
    private static Task<TestHost> StartSpinningAsync(ManualClock clock, Action<SocketEvent> then) =>
        SioTest.StartAsync(
            io => io.Of("/").OnConnection(socket => socket.On("spin", e =>
            {
                clock.Advance(Millisecond / 4);
                then(e);
            })),
            o => o.EngineIo.InlineScheduling = true,
            s => s.AddSingleton<TimeProvider>(clock));

    /// <summary>Timestamps that move only when the test moves them; timers are the system's.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private long _now = 1_000 * Millisecond;

        public void Advance(long ticks) => Interlocked.Add(ref _now, ticks);

        public override long GetTimestamp() => Interlocked.Read(ref _now);
    }
}
