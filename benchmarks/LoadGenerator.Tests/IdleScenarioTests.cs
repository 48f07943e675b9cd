namespace TypedIo.Benchmarks.LoadGenerator.Tests;

/// <summary>The idle scenario over real loopback sockets against <see cref="FakeSocketIoServer"/> (this process as the "server" whose RSS is read).</summary>
public class IdleScenarioTests
{
    private static Settings SettingsFor(Uri url, double settleSeconds = 0) =>
        new(url, Environment.ProcessId, "fake", 0, 0, 64, 100, 1, SourceAddresses: 1, BroadcastWindow: 4, IdleSettleSeconds: settleSeconds, ConnectParallelism: 4);

    [Fact]
    public async Task Every_connection_held_gives_a_figure()
    {
        await using var server = new FakeSocketIoServer(accept: _ => true);
        using var transport = new Transport(1);

        var result = await Scenarios.RunAsync("idle", 12, SettingsFor(server.Url), transport);

        Assert.Equal((12L, 0, 0L), (result.Messages, result.ClientsLost, result.Errors));
        Assert.False(double.IsNaN(result.RssKbPerConnection));
    }

    [Fact]
    public async Task Connections_the_server_does_not_take_fail_the_run_instead_of_giving_a_partial_figure()
    {
        // As a server out of file descriptors: the first 5 are served, every later one is closed at once.
        await using var server = new FakeSocketIoServer(accept: i => i < 5);
        using var transport = new Transport(1);

        var error = await Assert.ThrowsAsync<IncompleteRunException>(() => Scenarios.RunAsync("idle", 12, SettingsFor(server.Url), transport));

        Assert.Contains("of 12 connections open", error.Message, StringComparison.Ordinal);
        // A refused connection ends as a close or, when the server closed before reading the upgrade request, a reset.
        Assert.Matches("(closed|reset): [0-9]", error.Message);
    }

    [Fact]
    public async Task A_held_connection_the_server_closes_fails_the_run()
    {
        // All 12 connect; the server closes the fourth right after its welcome, while the run holds it. The scenario's
        // settling time before it reads RSS (1 s here) is when a loss in a real run shows; the close on loopback
        // reaches the client well within it.
        await using var server = new FakeSocketIoServer(accept: _ => true, dropAfterWelcome: i => i == 3);
        using var transport = new Transport(1);

        var error = await Assert.ThrowsAsync<IncompleteRunException>(() => Scenarios.RunAsync("idle", 12, SettingsFor(server.Url, settleSeconds: 1), transport));

        Assert.Contains("of 12 connections open", error.Message, StringComparison.Ordinal);
        Assert.Contains("1 lost", error.Message, StringComparison.Ordinal);
    }
}
