using TypedIo.SocketIo;
using TypedIo.Tests.Infrastructure;
using TypedIo.Tests.SocketIo;

namespace TypedIo.Tests.Interop;

/// <summary>
/// Connection state recovery with the real socket.io-client: the transport drops mid-stream, the client reconnects
/// by itself, and must see every event once, in order, with <c>socket.recovered</c> true.
/// </summary>
public sealed class RecoveryInteropTests
{
    [Theory]
    [MemberData(nameof(SocketIoInterop.Modes), MemberType = typeof(SocketIoInterop))]
    public async Task Nothing_is_lost_or_repeated_across_a_dropped_transport(string mode)
    {
        await using var host = await SioTest.StartAsync(
            io =>
            {
                var main = io.Of("/");
                main.OnConnection(socket =>
                {
                    if (!socket.Recovered)
                        socket.Join("stream");
                    socket.On("start", async _ =>
                    {
                        for (var n = 1; n <= 50; n++)
                            await main.To("stream").EmitAsync("n", n);
                    });
                    socket.On("resumed", async _ =>
                    {
                        for (var n = 101; n <= 150; n++)
                            await main.To("stream").EmitAsync("n", n);
                    });
                    if (!socket.Recovered)
                    {
                        // While the client is away: kept for it, replayed when it comes back.
                        socket.Disconnected += (_, _) =>
                        {
                            for (var n = 51; n <= 100; n++)
                                main.To("stream").EmitAsync("n", n).AsTask().GetAwaiter().GetResult();
                        };
                    }
                });
            },
            o => o.ConnectionStateRecovery = new ConnectionStateRecoveryOptions());

        await using var script = NodeScript.Start("socketio/recovery.mjs", host.BaseAddress.ToString(), mode);
        var result = await script.WaitForEventAsync("result", TimeSpan.FromSeconds(90));

        Assert.Equal(Enumerable.Range(1, 150), result.GetProperty("received").EnumerateArray().Select(n => n.GetInt32()));
        Assert.Equal([false, true], result.GetProperty("recovered").EnumerateArray().Select(r => r.GetBoolean()));
        var ids = result.GetProperty("ids").EnumerateArray().Select(i => i.GetString()).ToList();
        Assert.Equal(2, ids.Count);
        Assert.Equal(ids[0], ids[1]);
    }
}
