using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TypedIo.SocketIo;
using TypedIo.Tests.Infrastructure;
using TypedIo.Tests.SocketIo;
using TypedIo.Tests.SocketIo.Observability;

namespace TypedIo.Tests.Hardening;

/// <summary>
/// The rows of docs/socket-io.md's "what happens to a packet that ..." table not covered elsewhere, on the wire: every
/// packet is delivered, answered, or its connection closed with a logged reason.
/// </summary>
public sealed class PacketLossAuditTests
{
    private const string ServerError = """{"error":{"code":"server_error","message":"An unexpected error occurred."}}""";

    private static async Task<(TestHost Host, LogSink Log, SioClient Client, Socket Socket)> StartAsync(Action<Socket> setup)
    {
        var sink = new LogSink();
        var sockets = new Recorder<Socket>();
        var host = await SioTest.StartAsync(
            io => io.Of("/").OnConnection(socket =>
            {
                socket.On("echo", e => socket.EmitAsync("echo", e.Args.ToEmitArgs()));
                setup(socket);
                sockets.Add(socket);
            }),
            services: s => s.AddSingleton<ILoggerProvider>(sink).AddLogging(l => l.SetMinimumLevel(LogLevel.Debug)));
        var (client, _) = await SioClient.ConnectAndJoinAsync(host);
        return (host, sink, client, await sockets.NextAsync());
    }

    [Theory]
    [InlineData("4399[1]")] // never asked
    [InlineData("43[1]")] // no id at all
    [InlineData("461-99[{\"_placeholder\":true,\"num\":0}]")] // binary, never asked
    public async Task An_ack_nobody_waits_for_is_logged_and_counted_and_the_connection_stays(string ack)
    {
        var (host, log, client, socket) = await StartAsync(_ => { });
        using var metrics = new MeterRecorder(host);
        await using (host)
        using (client)
        {
            await client.SendAsync(ack);
            if (ack.StartsWith("46", StringComparison.Ordinal))
                await client.SendBinaryAsync([1]);

            var entry = await log.WaitForAsync(210).Within();
            Assert.Equal(LogLevel.Debug, entry.Level);
            Assert.Contains(socket.Id, entry.Message, StringComparison.Ordinal);
            await metrics.WaitUntilAsync(r => r.Sum("typedio.socket.packets.rejected", m => (string?)m.Tag("typedio.rejection.reason") == "unknown_ack") == 1, "the unknown ack to be counted");
            await client.AssertEchoAsync();
            Assert.True(socket.Connected);
        }
    }

    [Fact]
    public async Task An_ack_answered_twice_settles_once_and_the_second_answer_is_logged()
    {
        var (host, log, client, socket) = await StartAsync(_ => { });
        await using (host)
        using (client)
        {
            var reply = socket.EmitWithAckAsync("q", [], TimeSpan.FromSeconds(30));
            var sent = await client.ReceiveAsync();
            Assert.Matches("""^42\d+\["q"\]$""", sent);
            var id = sent[2..sent.IndexOf('[', StringComparison.Ordinal)];

            await client.SendAsync($"43{id}[\"first\"]");
            await client.SendAsync($"43{id}[\"second\"]");

            Assert.Equal("first", (await reply.Within())[0].GetString());
            Assert.Contains(id, (await log.WaitForAsync(210).Within()).Message, StringComparison.Ordinal);
            await client.AssertEchoAsync();
        }
    }

    [Fact]
    public async Task An_ack_that_comes_after_its_timeout_is_logged_and_changes_nothing()
    {
        var (host, log, client, socket) = await StartAsync(_ => { });
        await using (host)
        using (client)
        {
            var reply = socket.EmitWithAckAsync("q", [], TimeSpan.FromMilliseconds(50));
            var sent = await client.ReceiveAsync();
            await Assert.ThrowsAsync<SocketAckTimeoutException>(() => reply.Within());

            await client.SendAsync($"43{sent[2..sent.IndexOf('[', StringComparison.Ordinal)]}[\"late\"]");

            Assert.Equal(LogLevel.Debug, (await log.WaitForAsync(210).Within()).Level);
            await client.AssertEchoAsync();
        }
    }

    [Theory]
    [InlineData("42/admin,[\"echo\",1]")] // an event
    [InlineData("42/admin,5[\"echo\",1]")] // an event with ack
    [InlineData("43/admin,5[1]")] // an ack
    public async Task A_packet_for_a_namespace_the_client_has_not_joined_closes_the_connection_with_a_logged_reason(string packet)
    {
        var (host, log, client, socket) = await StartAsync(_ => { });
        await using (host)
        using (client)
        {
            var disconnected = socket.DisconnectedReason();
            await client.SendAsync(packet);

            // As Node's Client.ondecoded: "invalid state", the connection closes; nothing else is sent.
            Assert.Empty(await client.ReceiveUntilCloseAsync().Within());
            Assert.Equal("forced close", await disconnected.Within());
            var entry = await log.WaitForAsync(201).Within();
            Assert.Equal(LogLevel.Warning, entry.Level);
            Assert.Contains("/admin", entry.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_ack_value_the_encoder_cannot_write_answers_the_client_with_a_server_error_and_is_logged()
    {
        var (host, log, client, socket) = await StartAsync(s =>
        {
            s.On("nan", e => Assert.True(e.Ack(double.NaN))); // System.Text.Json refuses to write NaN
            s.On("cycle", e =>
            {
                var loop = new Loop();
                loop.Next = loop;
                e.Ack(loop);
            });
        });
        await using (host)
        using (client)
        {
            await client.SendAsync("""427["nan"]""");
            Assert.Equal($"437[{ServerError}]", await client.ReceiveAsync());
            var entry = await log.WaitForAsync(211).Within();
            Assert.Equal(LogLevel.Error, entry.Level);
            Assert.Contains("'nan'", entry.Message, StringComparison.Ordinal);
            Assert.NotNull(entry.Exception);

            await client.SendAsync("""428["cycle"]""");
            Assert.Equal($"438[{ServerError}]", await client.ReceiveAsync());
            await client.AssertEchoAsync();
            Assert.True(socket.Connected);
        }
    }

    [Fact]
    public async Task A_handler_that_throws_before_answering_the_ack_answers_it_with_a_server_error()
    {
        var (host, log, client, _) = await StartAsync(s =>
        {
            s.On("fail", _ => throw new InvalidOperationException("secret internals"));
            s.On("answered-then-fail", e =>
            {
                e.Ack("done");
                throw new InvalidOperationException("after the answer");
            });
        });
        await using (host)
        using (client)
        {
            await client.SendAsync("""423["fail"]""");
            Assert.Equal($"433[{ServerError}]", await client.ReceiveAsync());
            Assert.Equal(LogLevel.Error, (await log.WaitForAsync(207).Within()).Level);

            // Answered already: the answer stands, nothing more is sent.
            await client.SendAsync("""424["answered-then-fail"]""");
            Assert.Equal("""434["done"]""", await client.ReceiveAsync());
            await client.AssertEchoAsync();
        }
    }

    [Fact]
    public async Task An_event_with_an_ack_that_nothing_handles_is_answered_with_unknown_event()
    {
        var (host, log, client, _) = await StartAsync(_ => { });
        await using (host)
        using (client)
        {
            await client.SendAsync("""4212["nobody"]""");
            Assert.Equal("""4312[{"error":{"code":"unknown_event","message":"Nothing handles 'nobody'."}}]""", await client.ReceiveAsync());
            Assert.Equal(LogLevel.Debug, (await log.WaitForAsync(212).Within()).Level);

            // Without an ack nobody waits: nothing is sent (as Node), the next packet is the echo.
            await client.SendAsync("""42["nobody"]""");
            await client.AssertEchoAsync();
        }
    }

    [Fact]
    public async Task An_event_with_an_ack_that_only_a_catch_all_handler_sees_is_left_to_it()
    {
        var (host, _, client, _) = await StartAsync(s => s.OnAny(e =>
        {
            if (e.Name == "late")
                _ = Task.Run(() => e.Ack("later")); // answering later is the handler's right
            return ValueTask.CompletedTask;
        }));
        await using (host)
        using (client)
        {
            await client.SendAsync("""425["late"]""");
            Assert.Equal("""435["later"]""", await client.ReceiveAsync());
        }
    }

    [Fact]
    public async Task A_connect_whose_middleware_neither_calls_next_nor_refuses_gets_a_connect_error_and_a_logged_reason()
    {
        var sink = new LogSink();
        await using var host = await SioTest.StartAsync(
            io =>
            {
                io.Of("/").OnConnection(socket => socket.On("echo", e => socket.EmitAsync("echo", e.Args.ToEmitArgs())));
                io.Of("/quiet").Use((_, _) => ValueTask.CompletedTask).OnConnection(_ => Assert.Fail("never connected"));
            },
            services: s => s.AddSingleton<ILoggerProvider>(sink));
        var (client, _) = await SioClient.ConnectAndJoinAsync(host);
        using (client)
        {
            await client.SendAsync("40/quiet,");

            Assert.Equal("""44/quiet,{"message":"Server error"}""", await client.ReceiveAsync());
            Assert.Equal(LogLevel.Warning, (await sink.WaitForAsync(213).Within()).Level);
            await client.AssertEchoAsync(); // the connection and its other namespaces go on
        }
    }

    private sealed class Loop
    {
        public Loop? Next { get; set; }
    }
}
