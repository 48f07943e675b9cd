using System.Text.Json;
using TypedIo.SocketIo;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Tests.SocketIo.Utilities;

/// <summary>
/// Server-side emits: with the in-memory adapter (one node) they reach nobody; through an adapter that links two
/// servers in this process, as a multi-node adapter would over a bus, they reach the other node's listeners.
/// </summary>
public sealed class ServerSideEmitTests
{
    [Fact]
    public async Task With_one_node_an_emit_reaches_nobody_not_even_this_node_and_an_ack_returns_no_answers_at_once()
    {
        var heard = new Recorder<string>();
        await using var g = await SocketGroup.StartAsync(1, configure: io =>
        {
            io.OnServerSideEmit("sync", e =>
            {
                heard.Add(e.Name);
                e.Ack("pong");
                return ValueTask.CompletedTask;
            });
        });

        g.Io.ServerSideEmit("sync", 1);
        var pending = g.Io.Sockets.ServerSideEmitWithAckAsync("sync", [2], TimeSpan.FromSeconds(5));

        Assert.True(pending.IsCompletedSuccessfully);
        var result = await pending;
        Assert.Empty(result.Responses);
        Assert.Equal(0, result.TimedOutServers);
        Assert.False(heard.TryNext(out _));
        await g.SyncAsync(0); // and nothing went to the client
    }

    [Fact]
    public async Task Reserved_names_are_refused()
    {
        await using var g = await SocketGroup.StartAsync(0);
        Assert.Throws<ArgumentException>(() => g.Io.ServerSideEmit("disconnect"));
        Assert.Throws<ArgumentException>(() => g.Io.Sockets.OnServerSideEmit("connect", _ => { }));
    }

    /// <summary>Two servers' adapters of one namespace, linked in memory: what one sends, the other receives.</summary>
    private sealed class Link
    {
        public List<LinkedAdapter> Nodes { get; } = [];
    }

    private sealed class LinkedAdapter : InMemoryAdapter
    {
        private readonly Link _link;

        public LinkedAdapter(Namespace nsp, Link link)
            : base(nsp)
        {
            _link = link;
            lock (link)
                link.Nodes.Add(this);
        }

        private IEnumerable<LinkedAdapter> Others
        {
            get
            {
                lock (_link)
                    return [.. _link.Nodes.Where(n => n != this)];
            }
        }

        private SocketArgs Carry(object?[] args) => SocketArgs.FromJson(JsonSerializer.SerializeToElement(args, Namespace.Server.Options.JsonSerializerOptions));

        public override ValueTask<int> ServerCountAsync() => ValueTask.FromResult(Others.Count() + 1);

        public override void ServerSideEmit(string eventName, object?[] args)
        {
            foreach (var other in Others)
                other.Receive(new ServerSideEvent(eventName, Carry(args)));
        }

        public override async Task<ServerSideAckResult> ServerSideEmitWithAckAsync(string eventName, object?[] args, TimeSpan timeout, CancellationToken cancellationToken)
        {
            var answers = new List<Task<JsonElement>>();
            foreach (var other in Others)
            {
                var answer = SioTest.Signal<JsonElement>();
                other.Receive(new ServerSideEvent(eventName, Carry(args), value =>
                    answer.TrySetResult(JsonSerializer.SerializeToElement(value, Namespace.Server.Options.JsonSerializerOptions))));
                answers.Add(answer.Task);
            }
            try
            {
                await Task.WhenAll(answers).WaitAsync(timeout, cancellationToken);
            }
            catch (TimeoutException)
            {
            }
            var responses = answers.Where(a => a.IsCompletedSuccessfully).Select(a => a.Result).ToArray();
            return new ServerSideAckResult(responses, answers.Count - responses.Length);
        }

        public override async Task<IReadOnlyList<RemoteSocket>> FetchSocketsAsync(BroadcastOptions options)
        {
            var all = new List<RemoteSocket>(await base.FetchSocketsAsync(options));
            if ((options.Flags & BroadcastFlags.Local) == 0)
            {
                foreach (var other in Others)
                {
                    // What another node sends is rebuilt here, acting through this node's adapter.
                    foreach (var s in await other.FetchLocalAsync(options))
                        all.Add(new RemoteSocket(this, s.Id, s.Handshake, s.Rooms, s.Data));
                }
            }
            return all;
        }

        public override void AddSockets(BroadcastOptions options, IReadOnlyCollection<string> rooms)
        {
            base.AddSockets(options, rooms);
            foreach (var other in Others)
                other.AddLocal(options, rooms);
        }

        public override async ValueTask BroadcastAsync(EncodedPacket packet, BroadcastOptions options)
        {
            await base.BroadcastAsync(packet, options);
            foreach (var other in Others)
                await other.BroadcastLocalAsync(packet, options);
        }

        private void Receive(ServerSideEvent e) => OnServerSideEmit(e);

        private Task<IReadOnlyList<RemoteSocket>> FetchLocalAsync(BroadcastOptions options) => base.FetchSocketsAsync(options);

        private void AddLocal(BroadcastOptions options, IReadOnlyCollection<string> rooms) => base.AddSockets(options, rooms);

        private ValueTask BroadcastLocalAsync(EncodedPacket packet, BroadcastOptions options) => base.BroadcastAsync(packet, options);
    }

    private static Task<SocketGroup> StartNodeAsync(Link link, int clients, Action<SocketIoServer>? configure = null) =>
        SocketGroup.StartAsync(clients, "/linked", io =>
        {
            io.UseAdapter(nsp => new LinkedAdapter(nsp, link));
            configure?.Invoke(io);
        });

    [Fact]
    public async Task Another_node_receives_a_server_side_emit_with_its_arguments()
    {
        var link = new Link();
        var heard = new Recorder<(string Name, string Arg, int Number, bool HasAck)>();
        await using var a = await StartNodeAsync(link, 0);
        await using var b = await StartNodeAsync(link, 0, io => io.Of("/linked").OnServerSideEmit("user-left", e =>
            heard.Add((e.Name, e.Args[0].GetString()!, e.Args[1].GetInt32(), e.HasAck))));

        a.Io.Of("/linked").ServerSideEmit("user-left", "alice", 7);

        Assert.Equal(("user-left", "alice", 7, false), await heard.NextAsync());
    }

    [Fact]
    public async Task ServerSideEmitWithAck_collects_one_answer_per_other_node()
    {
        var link = new Link();
        await using var a = await StartNodeAsync(link, 0);
        await using var b = await StartNodeAsync(link, 0, io => io.Of("/linked").OnServerSideEmit("count", async e =>
        {
            await Task.Yield();
            Assert.True(e.Ack(new { sockets = 3 }));
            Assert.False(e.Ack("second answers are dropped"));
        }));
        await using var c = await StartNodeAsync(link, 0, io => io.Of("/linked")
            .OnServerSideEmit("count", e => e.Ack(new { sockets = 4 }))
            .OnServerSideEmit("count", e => e.Ack(new { sockets = -1 }))); // one answer per node: the first one

        var result = await a.Io.Of("/linked").ServerSideEmitWithAckAsync("count", [], TimeSpan.FromSeconds(10)).Within();

        Assert.Equal(0, result.TimedOutServers);
        Assert.Equal([3, 4], result.Responses.Select(r => r.GetProperty("sockets").GetInt32()).Order());
    }

    [Fact]
    public async Task A_node_that_does_not_answer_is_counted_as_timed_out()
    {
        var link = new Link();
        await using var a = await StartNodeAsync(link, 0);
        await using var b = await StartNodeAsync(link, 0, io => io.Of("/linked").OnServerSideEmit("q", e => e.Ack(true)));
        await using var c = await StartNodeAsync(link, 0); // no listener: never answers

        var result = await a.Io.Of("/linked").ServerSideEmitWithAckAsync("q", [], TimeSpan.FromMilliseconds(300)).Within();

        Assert.True(Assert.Single(result.Responses).GetBoolean());
        Assert.Equal(1, result.TimedOutServers);
    }

    [Fact]
    public async Task FetchSockets_and_SocketsJoin_reach_the_sockets_of_the_other_node()
    {
        var link = new Link();
        await using var a = await StartNodeAsync(link, 1);
        await using var b = await StartNodeAsync(link, 2);
        b.Sockets[1].Data["role"] = "host";

        var all = await a.Namespace.FetchSocketsAsync();
        Assert.Equal(
            new[] { a.Sockets[0].Id, b.Sockets[0].Id, b.Sockets[1].Id }.Order(StringComparer.Ordinal),
            all.Select(s => s.Id).Order(StringComparer.Ordinal));
        Assert.Equal([a.Sockets[0].Id], (await a.Namespace.Local.FetchSocketsAsync()).Select(s => s.Id));

        var host = all.Single(s => s.Data.TryGetValue("role", out var role) && (string?)role == "host");
        host.Join("stage");
        Assert.Contains("stage", b.Sockets[1].Rooms);
        await host.EmitAsync("welcome");
        Assert.Equal("""42/linked,["welcome"]""", await b.Clients[1].ReceiveAsync());

        await a.Namespace.To("stage").EmitAsync("from-a");
        Assert.Equal("""42/linked,["from-a"]""", await b.Clients[1].ReceiveAsync());
        await b.SyncAsync(0, "/linked");
        await a.SyncAsync(0, "/linked");
    }
}
