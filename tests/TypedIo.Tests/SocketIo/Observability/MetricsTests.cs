using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using TypedIo.Diagnostics;
using TypedIo.SocketIo;

namespace TypedIo.Tests.SocketIo.Observability;

/// <summary>The <c>TypedIo</c> meter, observed with a <see cref="MeterListener"/> on the host's own meter.</summary>
public sealed class MetricsTests
{
    private const string Ns = TypedIoTelemetry.NamespaceTag;

    private static bool In(Measurement m, string nsp) => (string?)m.Tag(Ns) == nsp;

    [Fact]
    public async Task The_meter_comes_from_the_hosts_IMeterFactory_and_has_every_documented_instrument()
    {
        await using var g = await SocketGroup.StartAsync(1);
        using var recorder = new MeterRecorder(g.Host);

        var instruments = recorder.InstrumentsSnapshot();
        var factory = g.Host.Services.GetRequiredService<IMeterFactory>();
        Assert.All(instruments, i => Assert.Same(factory, i.Meter.Scope));
        Assert.Equal(
            [
                ("typedio.engine.bytes.received", "By"),
                ("typedio.engine.bytes.sent", "By"),
                ("typedio.socket.ack.timeouts", "{ack}"),
                ("typedio.socket.connection.duration", "s"),
                ("typedio.socket.connections", "{socket}"),
                ("typedio.socket.packets.received", "{packet}"),
                ("typedio.socket.packets.rejected", "{packet}"),
                ("typedio.socket.packets.sent", "{packet}"),
            ],
            instruments.Select(i => (i.Name, i.Unit!)).Distinct().Order());
        Assert.IsType<UpDownCounter<long>>(instruments.First(i => i.Name == "typedio.socket.connections"));
        Assert.IsType<Histogram<double>>(instruments.First(i => i.Name == "typedio.socket.connection.duration"));
    }

    [Fact]
    public async Task Connected_sockets_are_counted_per_namespace_and_the_connection_duration_is_recorded_with_the_reason()
    {
        await using var g = await SocketGroup.StartAsync(0, "/counted");
        using var recorder = new MeterRecorder(g.Host);
        var (a, _) = await SioClient.ConnectAndJoinAsync(g.Host, "/counted");
        var (b, _) = await SioClient.ConnectAndJoinAsync(g.Host, "/counted");
        using (a)
        using (b)
        {
            await b.JoinAsync("/"); // another namespace on the same connection
            await recorder.WaitUntilAsync(r => r.Sum("typedio.socket.connections", m => In(m, "/counted")) == 2, "2 sockets in /counted");
            await recorder.WaitUntilAsync(r => r.Sum("typedio.socket.connections", m => In(m, "/")) == 1, "1 socket in /");

            await a.SendAsync("41/counted,");

            await recorder.WaitUntilAsync(r => r.Sum("typedio.socket.connections", m => In(m, "/counted")) == 1, "1 socket left in /counted");
            await recorder.WaitUntilAsync(r => r.Snapshot().Any(m => m.Instrument == "typedio.socket.connection.duration"), "the connection duration");
            var duration = Assert.Single(recorder.Snapshot(), m => m.Instrument == "typedio.socket.connection.duration");
            Assert.Equal("/counted", duration.Tag(Ns));
            Assert.Equal(SocketDisconnectReasons.ClientNamespaceDisconnect, duration.Tag(TypedIoTelemetry.DisconnectReasonTag));
            Assert.InRange(duration.Value, 0, 60);
            Assert.Equal("s", duration.Unit);
        }
    }

    [Fact]
    public async Task Packets_and_bytes_are_counted_in_and_out_and_a_broadcast_counts_its_recipients_at_once()
    {
        await using var g = await SocketGroup.StartAsync(3, "/traffic");
        using var recorder = new MeterRecorder(g.Host);

        await g.SyncAsync(0, "/traffic"); // one event in, one event out
        await recorder.WaitUntilAsync(r => r.Sum("typedio.socket.packets.received", m => In(m, "/traffic")) == 1, "the event received");
        await recorder.WaitUntilAsync(r => r.Sum("typedio.socket.packets.sent", m => In(m, "/traffic")) == 1, "the reply sent");

        await g.Namespace.EmitAsync("news", "x");
        foreach (var client in g.Clients)
            Assert.Equal("""42/traffic,["news","x"]""", await client.ReceiveAsync());
        await recorder.WaitUntilAsync(r => r.Snapshot().Any(m => m.Instrument == "typedio.socket.packets.sent" && m.Value == 3 && In(m, "/traffic")), "one measurement of 3 for the broadcast");

        // Engine.IO bytes: what the client sent ("42/traffic,[\"marker\"]") and what went out, over WebSocket.
        await recorder.WaitUntilAsync(r => r.Sum("typedio.engine.bytes.received", m => (string?)m.Tag(TypedIoTelemetry.TransportTag) == "websocket") >= """42/traffic,["marker"]""".Length, "bytes received");
        await recorder.WaitUntilAsync(r => r.Sum("typedio.engine.bytes.sent", m => (string?)m.Tag(TypedIoTelemetry.TransportTag) == "websocket") >= 3 * """42/traffic,["news","x"]""".Length, "bytes sent");
    }

    [Fact]
    public async Task Ack_timeouts_are_counted_for_a_socket_and_for_each_silent_socket_of_a_broadcast()
    {
        var timeout = TimeSpan.FromSeconds(6.5);
        await using var g = await SocketGroup.StartAsync(3, "/acks");
        using var recorder = new MeterRecorder(g.Host);

        var single = g.Sockets[0].EmitWithAckAsync("q", [], timeout);
        await g.Clients[0].ReceiveAsync();
        g.Timers.Fire(timeout);
        await Assert.ThrowsAsync<SocketAckTimeoutException>(() => single.Within());
        await recorder.WaitUntilAsync(r => r.Sum("typedio.socket.ack.timeouts", m => In(m, "/acks")) == 1, "one ack timeout");

        var broadcast = g.Namespace.All.EmitWithAckAsync("q", [], timeout);
        var id = SocketGroup.AckIdOf(await g.Clients[0].ReceiveAsync());
        await g.Clients[1].ReceiveAsync();
        await g.Clients[2].ReceiveAsync();
        await g.Clients[0].SendAsync($"""43/acks,{id}[]""");
        await g.SyncAsync(0, "/acks");
        g.Timers.Fire(timeout);
        Assert.Equal(2, (await broadcast.Within()).TimedOut.Count);

        await recorder.WaitUntilAsync(r => r.Sum("typedio.socket.ack.timeouts", m => In(m, "/acks")) == 3, "two more for the broadcast");
    }

    [Fact]
    public async Task Rejected_packets_are_counted_with_their_reason()
    {
        await using var g = await SocketGroup.StartAsync(0, configure: io => io.Of("/private").Use((_, _) => throw new SocketConnectException("no")));
        using var recorder = new MeterRecorder(g.Host);
        const string Reason = TypedIoTelemetry.RejectionReasonTag;

        using (var client = await SioClient.ConnectAsync(g.Host))
        {
            await client.SendAsync("40/nowhere,");
            Assert.StartsWith("44/nowhere,", await client.ReceiveAsync(), StringComparison.Ordinal);
            await client.SendAsync("40/private,");
            Assert.StartsWith("44/private,", await client.ReceiveAsync(), StringComparison.Ordinal);
            await client.SendAsync("4{not a packet");
            await client.ReceiveUntilCloseAsync();
        }

        await recorder.WaitUntilAsync(r => r.Snapshot().Any(m => m.Instrument == "typedio.socket.packets.rejected" && (string?)m.Tag(Reason) == "parse_error"), "a parse error");
        var rejected = recorder.Snapshot().Where(m => m.Instrument == "typedio.socket.packets.rejected").ToArray();
        var invalid = Assert.Single(rejected, m => (string?)m.Tag(Reason) == "invalid_namespace");
        Assert.Null(invalid.Tag(Ns)); // a name the client chose is never a tag
        var refused = Assert.Single(rejected, m => (string?)m.Tag(Reason) == "connect_refused");
        Assert.Equal("/private", refused.Tag(Ns));
        // The two CONNECT_ERROR replies were sent; the one for a namespace that does not exist has no namespace tag.
        Assert.Equal(1, recorder.Sum("typedio.socket.packets.sent", m => In(m, "/private")));
        Assert.Equal(1, recorder.Sum("typedio.socket.packets.sent", m => m.Tag(Ns) is null));
    }

    [Fact]
    public async Task Throttled_events_are_counted()
    {
        var release = SioTest.Signal<bool>();
        await using var g = await SocketGroup.StartAsync(1, "/busy", io => io.Of("/busy").OnConnection(socket => socket.On("slow", async _ => await release.Task)),
            options: o => o.MaxConcurrentEventsPerSocket = 1);
        using var recorder = new MeterRecorder(g.Host);

        await g.Clients[0].SendAsync("""42/busy,["slow"]""");
        await g.Clients[0].SendAsync("""42/busy,["slow"]""");
        await recorder.WaitUntilAsync(r => r.Snapshot().Any(m => m.Instrument == "typedio.socket.packets.rejected" && (string?)m.Tag(TypedIoTelemetry.RejectionReasonTag) == "throttled" && In(m, "/busy")), "a throttled event");
        release.SetResult(true);
        await g.SyncAsync(0, "/busy");
    }
}
