namespace TypedIo.Benchmarks.LoadGenerator.Tests;

/// <summary>echo and ack driven by the epoll loop, over real loopback sockets against <see cref="FakeSocketIoServer"/>.</summary>
public class RoundTripScenarioTests
{
    private static Settings SettingsFor(Uri url) =>
        new(url, Environment.ProcessId, "fake", WarmupSeconds: 0.2, DurationSeconds: 0.5, 64, 100, 1, SourceAddresses: 1, BroadcastWindow: 4, IdleSettleSeconds: 0, ConnectParallelism: 4);

    [Theory]
    [InlineData("echo")]
    [InlineData("ack")]
    public async Task Every_client_loops_and_answers_the_servers_ping(string scenario)
    {
        await using var server = new FakeSocketIoServer(accept: _ => true);
        using var transport = new Transport(1);

        var result = await Scenarios.RunAsync(scenario, 6, SettingsFor(server.Url), transport);

        Assert.Equal((0L, 0), (result.Errors, result.ClientsLost));
        // Each client's replies are its own: a reply the loop did not match would stall it (no reply in the window).
        Assert.True(result.Messages >= 6, $"{result.Messages} round trips");
        Assert.Equal(6, server.Pongs);
    }

    [Fact]
    public async Task A_client_the_server_closes_drops_out_and_the_others_go_on()
    {
        // The third connection is closed by the server instead of its tenth reply.
        await using var server = new FakeSocketIoServer(accept: _ => true, dropAfterReplies: i => i == 2 ? 10 : int.MaxValue);
        using var transport = new Transport(1);

        var result = await Scenarios.RunAsync("echo", 6, SettingsFor(server.Url), transport);

        Assert.Equal(1, result.ClientsLost);
        Assert.Equal("closed: 1", result.ErrorKinds);
        Assert.True(result.Messages > 50, $"{result.Messages} round trips");
    }
}

/// <summary>broadcast with its receivers read by the epoll loop, over real loopback sockets against <see cref="FakeSocketIoServer"/>.</summary>
public class BroadcastScenarioTests
{
    [Fact]
    public async Task Every_receiver_gets_every_broadcast_and_answers_the_servers_ping()
    {
        await using var server = new FakeSocketIoServer(accept: _ => true);
        using var transport = new Transport(1);
        var settings = new Settings(server.Url, Environment.ProcessId, "fake", WarmupSeconds: 0.2, DurationSeconds: 0.5, 64, 100, 1, SourceAddresses: 1, BroadcastWindow: 4, IdleSettleSeconds: 0, ConnectParallelism: 4);

        var result = await Scenarios.RunAsync("broadcast", 5, settings, transport);

        Assert.Equal((0L, 0), (result.Errors, result.ClientsLost));
        // A broadcast completes (and counts its deliveries) only when all 5 receivers have it.
        Assert.True(result.Messages >= 5 && result.Messages % 5 == 0, $"{result.Messages} deliveries");
        Assert.Equal(6, server.Pongs); // 5 receivers and the sender
    }
}
