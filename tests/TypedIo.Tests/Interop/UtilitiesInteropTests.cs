using TypedIo.SocketIo;
using TypedIo.Tests.Infrastructure;
using TypedIo.Tests.SocketIo;

namespace TypedIo.Tests.Interop;

/// <summary>What real socket.io-client clients see of the adapter utilities: fetched sockets joined, emitted to and disconnected.</summary>
public sealed class UtilitiesInteropTests
{
    [Theory]
    [MemberData(nameof(SocketIoInterop.Modes), MemberType = typeof(SocketIoInterop))]
    public async Task Fetched_sockets_join_receive_and_disconnect_as_the_clients_see_it(string mode)
    {
        var connected = new Recorder<Socket>();
        await using var host = await SioTest.StartAsync(io => io.Of("/").OnConnection(connected.Add));
        var io = host.Services.GetRequiredSocketIo();
        await using var script = NodeScript.Start("socketio/utilities.mjs", host.BaseAddress.ToString(), mode, "3");
        var ids = new string[3];
        for (var i = 0; i < 3; i++)
            ids[i] = (await script.WaitForEventAsync($"c{i}:connected")).GetProperty("id").GetString()!;
        for (var i = 0; i < 3; i++)
            await script.WhileRunningAsync(connected.NextAsync(), "the server sockets");

        var remote = (await io.FetchSocketsAsync()).ToDictionary(s => s.Handshake.Auth.GetProperty("name").GetString()!);
        Assert.Equal(["c0", "c1", "c2"], remote.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(ids[0], remote["c0"].Id);

        remote["c0"].Join("vip");
        io.Sockets.To(ids[1]).SocketsJoin("vip");
        await io.To("vip").EmitAsync("vip-news", 1);
        Assert.Equal("[1]", (await script.WaitForEventAsync("c0:vip-news")).GetProperty("args").GetRawText());
        Assert.Equal("[1]", (await script.WaitForEventAsync("c1:vip-news")).GetProperty("args").GetRawText());

        io.Sockets.To("vip").SocketsLeave("vip");
        await remote["c2"].EmitAsync("direct", "only c2");
        Assert.Equal("""["only c2"]""", (await script.WaitForEventAsync("c2:direct")).GetProperty("args").GetRawText());

        io.Sockets.To(ids[2]).DisconnectSockets();
        Assert.Equal("io server disconnect", (await script.WaitForEventAsync("c2:disconnect")).GetProperty("reason").GetString());

        await io.To("vip").EmitAsync("vip-news", 2);   // nobody is in "vip" any more
        await io.EmitAsync("report");
        await script.WaitForSuccessAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("""["vip-news"]""", script.EventsNamed("c0:report").Single().GetProperty("got").GetRawText());
        Assert.Equal("""["vip-news"]""", script.EventsNamed("c1:report").Single().GetProperty("got").GetRawText());
        Assert.Equal("""["direct"]""", script.EventsNamed("c2:report").Single().GetProperty("got").GetRawText());
    }
}
