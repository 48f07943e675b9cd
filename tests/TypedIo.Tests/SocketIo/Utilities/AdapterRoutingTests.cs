using TypedIo.SocketIo;

namespace TypedIo.Tests.SocketIo.Utilities;

/// <summary>
/// The utilities go through the adapter, where a multi-node adapter can carry them to the other nodes: an adapter
/// that records each call (and then does the local work) sees every one of them.
/// </summary>
public sealed class AdapterRoutingTests
{
    private sealed class RecordingAdapter(Namespace nsp) : InMemoryAdapter(nsp)
    {
        public Recorder<string> Calls { get; } = new();

        private static string Describe(BroadcastOptions o) =>
            $"rooms=[{string.Join(",", o.Rooms.Order(StringComparer.Ordinal))}] except=[{string.Join(",", o.Except.Order(StringComparer.Ordinal))}]";

        public override Task<IReadOnlyList<RemoteSocket>> FetchSocketsAsync(BroadcastOptions options)
        {
            Calls.Add("fetch " + Describe(options));
            return base.FetchSocketsAsync(options);
        }

        public override void AddSockets(BroadcastOptions options, IReadOnlyCollection<string> rooms)
        {
            Calls.Add($"add {Describe(options)} {string.Join(",", rooms)}");
            base.AddSockets(options, rooms);
        }

        public override void DeleteSockets(BroadcastOptions options, IReadOnlyCollection<string> rooms)
        {
            Calls.Add($"del {Describe(options)} {string.Join(",", rooms)}");
            base.DeleteSockets(options, rooms);
        }

        public override void DisconnectSockets(BroadcastOptions options, bool close)
        {
            Calls.Add($"disconnect {Describe(options)} close={close}");
            base.DisconnectSockets(options, close);
        }
    }

    [Fact]
    public async Task Join_leave_fetch_and_disconnect_of_server_namespace_operator_and_remote_socket_go_through_the_adapter()
    {
        RecordingAdapter? adapter = null;
        await using var g = await SocketGroup.StartAsync(2, "/rec", io => io.UseAdapter(nsp => adapter = new RecordingAdapter(nsp)));
        var calls = adapter!.Calls;
        var (a, b) = (g.Sockets[0], g.Sockets[1]);

        g.Namespace.SocketsJoin("all");
        Assert.Equal("add rooms=[] except=[] all", await calls.NextAsync());
        g.Namespace.In(a.Id).Except("x").SocketsJoin(["p", "q"]);
        Assert.Equal($"add rooms=[{a.Id}] except=[x] p,q", await calls.NextAsync());
        g.Namespace.SocketsLeave("all");
        Assert.Equal("del rooms=[] except=[] all", await calls.NextAsync());
        var fetched = await g.Namespace.In("p").FetchSocketsAsync();
        Assert.Equal("fetch rooms=[p] except=[]", await calls.NextAsync());
        Assert.Equal([a.Id], fetched.Select(s => s.Id));
        fetched[0].Leave("q");
        Assert.Equal($"del rooms=[{a.Id}] except=[] q", await calls.NextAsync());

        Assert.Equal(new[] { a.Id, "p" }.Order(StringComparer.Ordinal), a.Rooms.Order(StringComparer.Ordinal));
        Assert.Equal([b.Id], b.Rooms);

        var gone = b.DisconnectedReason();
        g.Namespace.Except("p").DisconnectSockets();
        Assert.Equal("disconnect rooms=[] except=[p] close=False", await calls.NextAsync());
        await gone.Within();
        Assert.True(a.Connected);
    }

    [Fact]
    public async Task The_server_shortcuts_address_the_main_namespace()
    {
        await using var g = await SocketGroup.StartAsync(2);

        g.Io.SocketsJoin("everyone");
        Assert.All(g.Sockets, s => Assert.Contains("everyone", s.Rooms));
        g.Io.SocketsLeave("everyone");
        Assert.All(g.Sockets, s => Assert.DoesNotContain("everyone", s.Rooms));
        Assert.Equal(2, (await g.Io.FetchSocketsAsync()).Count);

        var gone = g.Sockets.Select(s => s.DisconnectedReason()).ToArray();
        g.Io.DisconnectSockets();
        Assert.All(await Task.WhenAll(gone).Within(), r => Assert.Equal(SocketDisconnectReasons.ServerNamespaceDisconnect, r));
    }
}
