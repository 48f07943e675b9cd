using Microsoft.Extensions.DependencyInjection;
using TypedIo.Tests.SocketIo;

namespace TypedIo.Tests.Typed;

/// <summary>Typed emitters: to the caller, to rooms, from outside the hub; acks of one socket with timeouts.</summary>
public sealed class HubEmitterTests
{
    [Fact]
    public async Task OthersIn_reaches_the_room_but_not_the_sender()
    {
        var probe = new HubProbe();
        await using var host = await HubTestHost.StartAsync(probe);
        var (alice, _) = await HubTestHost.JoinNotesAsync(host, probe);
        var (bob, _) = await HubTestHost.JoinNotesAsync(host, probe);
        var (carol, _) = await HubTestHost.JoinNotesAsync(host, probe);
        using (alice)
        using (bob)
        using (carol)
        {
            foreach (var client in new[] { alice, bob })
            {
                await client.SendAsync("""42/notes,1["join","r"]""");
                Assert.StartsWith("43/notes,1", await client.ReceiveAsync(), StringComparison.Ordinal);
            }

            await alice.SendAsync("""42/notes,["post",{"room":"r","text":"hello","priority":1}]""");

            Assert.Equal("""42/notes,["posted",{"room":"r","text":"hello","priority":1}]""", await bob.ReceiveAsync());
            await probe.Notes.NextAsync();
            // Neither alice (the sender) nor carol (not in the room) got it: their next packet is their own ack.
            foreach (var client in new[] { alice, carol })
            {
                await client.SendAsync("""42/notes,2["maybe","x"]""");
                Assert.Equal("""43/notes,2[1]""", await client.ReceiveAsync());
            }
        }
    }

    [Fact]
    public async Task The_outside_context_emits_to_everyone_rooms_and_single_sockets()
    {
        var probe = new HubProbe();
        await using var host = await HubTestHost.StartAsync(probe);
        var (alice, aliceId) = await HubTestHost.JoinNotesAsync(host, probe);
        var (bob, _) = await HubTestHost.JoinNotesAsync(host, probe);
        using (alice)
        using (bob)
        {
            var context = host.Services.GetRequiredService<NoteHubContext>();

            await context.All.Posted(new Note("all", "x", null));
            Assert.Equal("""42/notes,["posted",{"room":"all","text":"x","priority":null}]""", await alice.ReceiveAsync());
            Assert.Equal("""42/notes,["posted",{"room":"all","text":"x","priority":null}]""", await bob.ReceiveAsync());

            await context.Socket(aliceId).Blob([1, 2]);
            Assert.Equal("""451-/notes,["blob",{"_placeholder":true,"num":0}]""", await alice.ReceiveAsync());
            Assert.Equal(new byte[] { 1, 2 }, await alice.ReceiveBinaryAsync());

            await context.Except(aliceId).Posted(new Note("not-alice", "y", 3));
            Assert.Equal("""42/notes,["posted",{"room":"not-alice","text":"y","priority":3}]""", await bob.ReceiveAsync());
            await alice.SendAsync("""42/notes,1["maybe","z"]""");
            Assert.Equal("""43/notes,1[1]""", await alice.ReceiveAsync());

            Assert.True(context.TryGetSocket(aliceId, out var single));
            var nickname = single.Nickname(CancellationToken.None);
            Assert.Equal("""42/notes,0["nickname"]""", await alice.ReceiveAsync());
            await alice.SendAsync("""43/notes,0["ally"]""");
            Assert.Equal("ally", await nickname.AsTask().Within());
            Assert.False(context.TryGetSocket("nobody", out _));
        }
    }

    [Theory]
    [InlineData("[true]", "yes")]
    [InlineData("[false]", "no")]
    [InlineData("""["not a bool"]""", "invalid")]
    [InlineData("[]", "invalid")]
    [InlineData("[null]", "invalid")]
    public async Task A_value_returning_client_event_waits_for_the_ack_and_reads_it(string ack, string expected)
    {
        var probe = new HubProbe();
        await using var host = await HubTestHost.StartAsync(probe);
        var (client, _) = await HubTestHost.JoinNotesAsync(host, probe);
        using (client)
        {
            await client.SendAsync("""42/notes,5["askCaller",5000]""");
            var ask = await client.ReceiveAsync();
            Assert.Matches("""^42/notes,\d+\["areYouThere","there\?"\]$""", ask);
            var id = ask["42/notes,".Length..ask.IndexOf('[')];
            await client.SendAsync($"43/notes,{id}{ack}");

            Assert.Equal($"""43/notes,5["{expected}"]""", await client.ReceiveAsync());
        }
    }

    [Fact]
    public async Task A_per_call_timeout_ends_the_wait_with_a_timeout_exception()
    {
        var probe = new HubProbe();
        await using var host = await HubTestHost.StartAsync(probe);
        var (client, _) = await HubTestHost.JoinNotesAsync(host, probe);
        using (client)
        {
            await client.SendAsync("""42/notes,5["askCaller",50]""");
            Assert.StartsWith("42/notes,", await client.ReceiveAsync(), StringComparison.Ordinal); // never answered

            Assert.Equal("""43/notes,5["timeout"]""", await client.ReceiveAsync());
        }
    }

    [Fact]
    public async Task The_default_ack_timeout_comes_from_the_options()
    {
        var probe = new HubProbe();
        await using var host = await HubTestHost.StartAsync(probe, o => o.AckTimeout = TimeSpan.FromMilliseconds(60));
        var (client, sid) = await HubTestHost.JoinNotesAsync(host, probe);
        using (client)
        {
            var context = host.Services.GetRequiredService<NoteHubContext>();
            Assert.True(context.TryGetSocket(sid, out var single));
            Assert.Equal(TimeSpan.FromMilliseconds(60), single.AckTimeout);

            var ask = single.AreYouThere("hello?");
            Assert.StartsWith("42/notes,", await client.ReceiveAsync(), StringComparison.Ordinal);
            await Assert.ThrowsAsync<TypedIo.SocketIo.SocketAckTimeoutException>(() => ask.Within());
        }
    }

    [Fact]
    public async Task A_broadcast_with_ack_lists_every_answer_the_silent_and_the_invalid()
    {
        var probe = new HubProbe();
        await using var host = await HubTestHost.StartAsync(probe);
        var (yes, yesId) = await HubTestHost.JoinNotesAsync(host, probe);
        var (odd, oddId) = await HubTestHost.JoinNotesAsync(host, probe);
        var (silent, silentId) = await HubTestHost.JoinNotesAsync(host, probe);
        using (yes)
        using (odd)
        using (silent)
        {
            var context = host.Services.GetRequiredService<NoteHubContext>();
            var asking = context.All.WithTimeout(TimeSpan.FromMilliseconds(500)).AreYouThere("all there?");

            var packets = new[] { await yes.ReceiveAsync(), await odd.ReceiveAsync(), await silent.ReceiveAsync() };
            Assert.Single(packets.Distinct()); // encoded once: one ack id for every recipient
            var id = packets[0]["42/notes,".Length..packets[0].IndexOf('[')];
            await yes.SendAsync($"43/notes,{id}[true]");
            await odd.SendAsync($"43/notes,{id}[\"maybe\"]");
            var result = await asking.Within();

            var answer = Assert.Single(result.Responses);
            Assert.Equal(new TypedIo.SocketAckResponse<bool>(yesId, true), answer);
            Assert.Equal([oddId], result.Invalid);
            Assert.Equal([silentId], result.TimedOut);
            Assert.False(result.IsComplete);
        }
    }
}
