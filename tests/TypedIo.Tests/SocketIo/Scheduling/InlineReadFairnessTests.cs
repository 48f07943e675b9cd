using TypedIo.Tests.Infrastructure;

namespace TypedIo.Tests.SocketIo.Scheduling;

/// <summary>
/// In inline scheduling, one client that always has a message waiting must not keep the socket engine's thread from
/// reading the other connections (<c>ReadTurn</c>). A fixture process with one socket engine thread
/// (<c>DOTNET_PROCESSOR_COUNT=1</c>; inline socket completions are read once per process, hence a process of its own):
/// a flooder queues broadcasts to a room faster than the server can write them out; a probe in that room then asks for an
/// ack. Without turns, the probe's packet is read only once the flooder's socket runs dry, so its ack comes after every
/// broadcast; with them, among the first.
/// </summary>
public sealed class InlineReadFairnessTests
{
    private const int Broadcasts = 2000;
    private const int SilentMembers = 40;

    [Fact]
    public async Task A_client_that_always_has_a_message_waiting_does_not_keep_the_other_connections_from_being_read()
    {
        await using var fixture = await FixtureProcess.StartAsync(new Dictionary<string, string>
        {
            ["TYPEDIO_FIXTURE_INLINE"] = "1",
            ["DOTNET_PROCESSOR_COUNT"] = "1",
        });
        var address = new Uri($"ws://127.0.0.1:{fixture.Port}/");
        var clients = new List<SioClient>();
        try
        {
            // Members that never read: each broadcast costs the server a write to each of them (their kernel buffers
            // hold the whole run).
            for (var i = 0; i < SilentMembers; i++)
                clients.Add(await JoinRoomAsync(address));
            var probe = await JoinRoomAsync(address);
            clients.Add(probe);
            var flooder = await SioClient.ConnectAsync(address);
            clients.Add(flooder);
            await flooder.JoinAsync();

            for (var i = 0; i < Broadcasts; i++)
                await flooder.SendAsync($$"""42["room-emit","flood","tick",{{i}}]""");
            await probe.SendAsync("""429["ack","probe"]""");

            var ticksBeforeAck = 0;
            var ticks = 0;
            var acked = false;
            while (!acked || ticks < Broadcasts)
            {
                var packet = await probe.ReceiveAsync(TimeSpan.FromSeconds(30));
                if (packet == """439["probe"]""")
                {
                    acked = true;
                    ticksBeforeAck = ticks;
                }
                else
                {
                    Assert.Equal($$"""42["tick",{{ticks}}]""", packet);
                    ticks++;
                }
            }
            Assert.True(ticksBeforeAck < Broadcasts / 2,
                $"The probe's ack came after {ticksBeforeAck} of {Broadcasts} broadcasts: its packet waited for the flooder's.");
        }
        finally
        {
            foreach (var client in clients)
                client.Dispose();
        }
    }

    private static async Task<SioClient> JoinRoomAsync(Uri address)
    {
        var client = await SioClient.ConnectAsync(address);
        await client.JoinAsync();
        await client.SendAsync("""421["join","flood"]""");
        // The fixture greets every socket (`welcome`) before the join's ack.
        while (!(await client.ReceiveAsync()).StartsWith("431[", StringComparison.Ordinal))
        {
        }
        return client;
    }
}
