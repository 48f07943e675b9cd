namespace TypedIo.Benchmarks.LoadGenerator.Tests;

public class BroadcastLedgerTests
{
    private readonly List<int> _completed = [];
    private readonly List<int> _abandoned = [];

    private BroadcastLedger Ledger(int members) =>
        new(members, window: 4, completed: (_, deliveries) => _completed.Add(deliveries), abandoned: deliveries => _abandoned.Add(deliveries));

    [Fact]
    public void A_broadcast_completes_when_every_receiver_has_it()
    {
        var ledger = Ledger(3);
        ledger.Sent(0);
        ledger.Delivered(0);
        ledger.Delivered(0);
        Assert.Empty(_completed);

        ledger.Delivered(0);

        Assert.Equal([3], _completed);
    }

    [Fact]
    public void A_receiver_that_drops_out_is_no_longer_waited_for_in_flight_or_later()
    {
        var ledger = Ledger(3);
        ledger.Sent(0);
        ledger.Sent(1);
        ledger.Delivered(0); // A
        ledger.Delivered(0); // B
        ledger.Delivered(0); // C, which then drops out before broadcast 1 reaches it
        ledger.Delivered(1); // A
        ledger.Delivered(1); // B

        ledger.ReceiverLost(lastSeen: 0);

        Assert.Equal([3, 2], _completed);
        Assert.Equal(2, ledger.Members);
        ledger.Sent(2);
        ledger.Delivered(2);
        ledger.Delivered(2);
        Assert.Equal([3, 2, 2], _completed);
    }

    [Fact]
    public void A_broadcast_some_receiver_never_gets_is_given_up_once_and_late_deliveries_do_not_complete_it()
    {
        var ledger = Ledger(2);
        ledger.Sent(0);
        ledger.Delivered(0);
        Assert.Equal(0, ledger.AbandonOlderThan(TimeSpan.FromMinutes(1)));

        Assert.Equal(1, ledger.AbandonOlderThan(TimeSpan.Zero));
        Assert.Equal(0, ledger.AbandonOlderThan(TimeSpan.Zero));
        ledger.Delivered(0);

        Assert.Equal([2], _abandoned);
        Assert.Empty(_completed);
    }

    [Fact]
    public void A_broadcast_that_never_went_out_is_given_up_even_after_later_ones_completed()
    {
        var ledger = Ledger(1);
        ledger.Sent(0); // its sender failed: no receiver will get it
        for (var seq = 1; seq <= 10; seq++)
        {
            ledger.Sent(seq);
            ledger.Delivered(seq);
        }

        Assert.Equal(1, ledger.AbandonOlderThan(TimeSpan.Zero));
        Assert.Equal([1], _abandoned);
        Assert.Equal(10, _completed.Count);
    }
}
