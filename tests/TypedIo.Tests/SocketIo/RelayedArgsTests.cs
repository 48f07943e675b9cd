using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using TypedIo.EngineIo;
using TypedIo.SocketIo;

namespace TypedIo.Tests.SocketIo;

/// <summary>
/// Received arguments passed back as they are (<c>e.Ack(e.Args)</c>, <c>socket.EmitAsync(name, e.Args)</c>, a broadcast):
/// the same bytes on the wire as the values of <see cref="SocketArgs.ToEmitArgs"/> emitted, for every input, binary
/// included, and without the JSON tree those values need. Served in process on a session without a transport.
/// </summary>
public sealed class RelayedArgsTests : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly IEngineIoHandler _handler;
    private readonly EngineIoSession _session;
    private readonly List<SocketArgs> _relayed = [];
    private Socket? _socket;
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<bool> _answered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public RelayedArgsTests()
    {
        var services = new ServiceCollection();
        services.AddTypedIo();
        _services = services.BuildServiceProvider();
        var io = _services.GetRequiredService<SocketIoServer>();
        io.Sockets.OnConnection(socket =>
        {
            _socket = socket;
            socket.On("ack", e => Keep(e.Ack(e.Args), e));
            socket.On("ack-values", e => e.Ack(e.Args.ToEmitArgs()));
            socket.On("emit", e => Keep(socket.EmitAsync("back", e.Args).IsCompletedSuccessfully, e));
            socket.On("emit-values", e => socket.EmitAsync("back", e.Args.ToEmitArgs()));
            socket.On("broadcast", e => Keep(socket.Namespace.To(socket.Id).EmitAsync("back", e.Args).IsCompletedSuccessfully, e));
            socket.On("tail", e => Keep(socket.EmitAsync("back", e.Args.Slice(1)).IsCompletedSuccessfully, e));
            socket.On("tail-values", e => socket.EmitAsync("back", e.Args.ToEmitArgs()[1..]));
            socket.On("later", async e =>
            {
                await _release.Task;
                _answered.SetResult(e.Ack(e.Args));
            });
        });
        _handler = io;
        _session = new EngineIoSession("relay", io.Engine, isWebSocket: false, new EngineIoHandshake(new DefaultHttpContext(), DateTimeOffset.UtcNow));
        _handler.OnConnectedAsync(_session).AsTask().GetAwaiter().GetResult();
        Handle(Text("0"));
    }

    public void Dispose()
    {
        _session.Abort(EngineIoCloseReasons.TransportClose);
        _services.Dispose();
    }

    // What socket.io-client can send, and what a value's text may hold: escapes kept as written (a lone surrogate too),
    // spaces inside objects and arrays, number spellings, non-ASCII, a '/' and ", ]" inside strings, nesting.
    public static TheoryData<string> Arguments => new()
    {
        "",
        "\"a\"",
        "\"a\",{\"b\":[1,2]},null,7,true,false",
        "\"\\ud800\",\"\\u0041\\n\",\"é😀\"",
        "{ \"a\" : [1, 2 ] , \"b\" : { } }",
        "1.50,-0,1e400,12345678901234567890",
        "\"http://x/y\",\"a, ]\",[\"/\", \"}\"]",
        "[[[[[]]]]],{\"a\":{\"b\":{\"c\":[{}]}}}",
        "  \"spaced\"  ,  3  ",
    };

    [Theory]
    [MemberData(nameof(Arguments))]
    public void An_ack_with_the_received_arguments_sends_what_their_values_send(string arguments)
    {
        var relayed = Handle(Text($"21[\"ack\"{Comma(arguments)}]"));
        var values = Handle(Text($"22[\"ack-values\"{Comma(arguments)}]"));

        Assert.Equal(values.Single().Replace("432[", "431[", StringComparison.Ordinal), Assert.Single(relayed));
        Assert.False(Assert.Single(_relayed).IsParsed, "no JSON tree was made");
    }

    [Theory]
    [MemberData(nameof(Arguments))]
    public void An_emit_and_a_broadcast_with_the_received_arguments_send_what_their_values_send(string arguments)
    {
        var values = Assert.Single(Handle(Text($"2[\"emit-values\"{Comma(arguments)}]")));

        Assert.Equal(values, Assert.Single(Handle(Text($"2[\"emit\"{Comma(arguments)}]"))));
        Assert.Equal(values, Assert.Single(Handle(Text($"2[\"broadcast\"{Comma(arguments)}]"))));
        Assert.All(_relayed, args => Assert.False(args.IsParsed, "no JSON tree was made"));
    }

    [Fact]
    public void A_slice_sends_the_arguments_after_its_start()
    {
        Assert.Equal(["42[\"back\",{ \"b\" : 1 },\"\\ud800\"]"], Handle(Text("2[\"tail\",\"room\",{ \"b\" : 1 },\"\\ud800\"]")));
        Assert.Equal(["42[\"back\",{ \"b\" : 1 },\"\\ud800\"]"], Handle(Text("2[\"tail-values\",\"room\",{ \"b\" : 1 },\"\\ud800\"]")));
        Assert.Equal(["42[\"back\"]"], Handle(Text("2[\"tail\",\"room\"]")));
        Assert.Equal(2, _relayed.Count);
        Assert.All(_relayed, args => Assert.False(args.IsParsed, "no JSON tree was made"));

        var args = _relayed[1];
        Assert.Same(args, args.Slice(0));
        Assert.Empty(args.Slice(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => args.Slice(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => args.Slice(-1));
    }

    [Fact]
    public void Binary_arguments_are_relayed_with_their_attachments_as_their_values_are()
    {
        // Placeholders numbered out of order and one attachment used twice: renumbered in the order written, as the values are.
        const string Packet = "[\"{0}\",{{\"_placeholder\":true,\"num\":1}},\"x\",[{{\"_placeholder\":true,\"num\":0}},{{\"_placeholder\":true,\"num\":1}}]]";
        foreach (var (relay, values) in new[] { ("ack", "ack-values"), ("emit", "emit-values"), ("broadcast", "emit-values") })
        {
            var sent = HandleBinary(relay == "ack" ? $"52-1{string.Format(Packet, relay)}" : $"52-{string.Format(Packet, relay)}");
            var expected = HandleBinary(values == "ack-values" ? $"52-1{string.Format(Packet, values)}" : $"52-{string.Format(Packet, values)}");

            Assert.Equal(expected.Count, sent.Count);
            Assert.Equal(Encoding.UTF8.GetString(expected[0].Bytes.Span), Encoding.UTF8.GetString(sent[0].Bytes.Span));
            for (var i = 1; i < sent.Count; i++)
                Assert.Equal(expected[i].Bytes.ToArray(), sent[i].Bytes.ToArray());
        }
    }

    [Fact]
    public void Kept_arguments_stay_readable_after_the_buffer_they_came_in_is_reused()
    {
        // The decoder copies an event's bytes out of the received message, so a handler may keep e.Args: here the
        // message's own array is overwritten after the event was handled, and what was kept does not change.
        var bytes = Encoding.UTF8.GetBytes("21[\"ack\",\"kept\",{\"a\":1}]");
        Handle(new EngineMessage(bytes, isBinary: false));
        Array.Fill(bytes, (byte)'x');
        Handle(Text("22[\"ack\",\"other\"]"));

        var kept = _relayed[0];
        Assert.Equal("kept", kept.Get<string>(0));
        Assert.Equal(1, kept[1].GetProperty("a").GetInt32());
        Assert.Equal(["42[\"back\",\"kept\",{\"a\":1}]"], EmitLater(kept));
    }

    [Fact]
    public async Task A_handler_that_completes_later_answers_with_the_arguments_it_was_given()
    {
        // The handler is still waiting while the reader goes on: the message it came in is overwritten and other
        // events are read; its arguments are its own (decoded out of the message), so its late answer is unchanged.
        var bytes = Encoding.UTF8.GetBytes("23[\"later\",\"first\",{\"n\":[1,2]}]");
        Assert.Empty(Handle(new EngineMessage(bytes, isBinary: false)));
        Array.Fill(bytes, (byte)' ');
        Assert.Single(Handle(Text("24[\"ack\",\"second\",{\"n\":[3]}]")));

        _release.SetResult();
        Assert.True(await _answered.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(["433[\"first\",{\"n\":[1,2]}]"], Drain());
    }

    private string[] EmitLater(SocketArgs kept)
    {
        Assert.True(_socket!.EmitAsync("back", kept).IsCompletedSuccessfully);
        return Drain();
    }

    private void Keep(bool sent, SocketEvent e)
    {
        Assert.True(sent);
        _relayed.Add(e.Args);
    }

    private static string Comma(string arguments) => arguments.Length == 0 ? "" : "," + arguments;

    private List<EngineFrame> HandleBinary(string packet)
    {
        Assert.Empty(Handle(Text(packet)));
        Assert.Empty(Frames(new EngineMessage(new byte[] { 1, 2, 3 }, isBinary: true)));
        return Frames(new EngineMessage(new byte[] { 4, 5 }, isBinary: true));
    }

    private string[] Handle(EngineMessage message) =>
        [.. Frames(message).Select(frame => Encoding.UTF8.GetString(frame.Bytes.Span))];

    private List<EngineFrame> Frames(EngineMessage message)
    {
        var handled = _handler.OnMessageAsync(_session, message);
        Assert.True(handled.IsCompletedSuccessfully);
        return DrainFrames();
    }

    private string[] Drain() => [.. DrainFrames().Select(frame => Encoding.UTF8.GetString(frame.Bytes.Span))];

    private List<EngineFrame> DrainFrames()
    {
        var frames = new List<EngineFrame>();
        while (_session.Outbound.TryRead(out var frame))
            frames.Add(frame);
        return frames;
    }

    private static EngineMessage Text(string text) => new(Encoding.UTF8.GetBytes(text), isBinary: false);
}
