using TypedIo.Tests.SocketIo;

namespace TypedIo.Tests.Typed;

/// <summary>One hub per socket, from the socket's service scope; hooks around the connection; disposal.</summary>
public sealed class HubLifecycleTests
{
    [Fact]
    public async Task Each_socket_gets_its_own_hub_and_scope_and_hooks_run_in_order()
    {
        var probe = new HubProbe();
        await using var host = await HubTestHost.StartAsync(probe);
        var (alice, _) = await HubTestHost.JoinNotesAsync(host, probe);
        var (bob, _) = await HubTestHost.JoinNotesAsync(host, probe);
        using (alice)
        using (bob)
        {
            // The scoped counter counts per socket: each of the two sockets sees its own first post.
            await alice.SendAsync("""42/notes,["post",{"room":"a","text":"1","priority":null}]""");
            await bob.SendAsync("""42/notes,["post",{"room":"b","text":"1","priority":null}]""");
            await probe.Notes.NextAsync();
            await probe.Notes.NextAsync();

            await alice.SendAsync("41/notes,");

            Assert.Equal("disconnected:client namespace disconnect:True", await probe.Lifecycle.NextAsync());
            Assert.Equal("disposed", await probe.Lifecycle.NextAsync());
        }
    }

    [Fact]
    public async Task Events_wait_until_OnConnectedAsync_has_finished()
    {
        var probe = new HubProbe { HoldConnected = true };
        await using var host = await HubTestHost.StartAsync(probe);
        using var client = await SioClient.ConnectAsync(host);
        var sid = await client.JoinAsync("/notes");

        await client.SendAsync("""42/notes,1["maybe","abc"]""");
        var early = client.ReceiveAsync();
        Assert.False(early.IsCompleted);
        probe.ConnectedGate.SetResult();

        Assert.Equal("connected:" + sid, await probe.Lifecycle.NextAsync());
        Assert.Equal("""43/notes,1[3]""", await early);
    }
}
