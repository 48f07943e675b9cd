using TypedIo.Tests.EngineIo;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using TypedIo.SocketIo;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Tests.SocketIo;

public sealed class HostingTests
{
    [Fact]
    public async Task MapTypedIo_configures_the_server_registered_by_AddTypedIo()
    {
        SocketIoServer? configured = null;
        await using var host = await SioTest.StartAsync(io => configured = io);

        Assert.Same(host.Services.GetRequiredService<SocketIoServer>(), configured);
        Assert.Equal("/socket.io", configured!.Options.Path);
    }

    [Fact]
    public async Task MapTypedIo_without_AddTypedIo_fails_with_a_clear_message()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => TestHost.StartAsync(app => app.MapTypedIo()));
        Assert.Contains("AddTypedIo", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Options_from_the_options_pattern_apply_including_the_path()
    {
        await using var host = await TestHost.StartAsync(
            app => app.MapTypedIo(io => io.Of("/").OnConnection(socket => socket.On("echo", e => socket.EmitAsync("echo", e.Args.ToEmitArgs())))),
            services =>
            {
                services.AddTypedIo();
                services.Configure<SocketIoOptions>(o =>
                {
                    o.Path = "/realtime";
                    o.ConnectTimeout = TimeSpan.FromSeconds(12);
                });
            });
        var io = host.Services.GetRequiredSocketIo();
        Assert.Equal(TimeSpan.FromSeconds(12), io.Options.ConnectTimeout);

        using var client = await SioClient.ConnectAsync(host, path: "realtime");
        await client.JoinAsync();
        await client.AssertEchoAsync();
    }

    [Fact]
    public async Task Stopping_the_host_disconnects_every_socket_with_server_shutting_down()
    {
        var sockets = new Recorder<Socket>();
        var host = await SioTest.StartAsync(io =>
        {
            io.Of("/").OnConnection(sockets.Add);
            io.Of("/chat").OnConnection(sockets.Add);
        });
        var stopped = false;
        try
        {
            using var client = await SioClient.ConnectAsync(host);
            await client.JoinAsync("/");
            var main = await sockets.NextAsync();
            await client.JoinAsync("/chat");
            var chat = await sockets.NextAsync();
            var mainReason = main.DisconnectedReason();
            var chatReason = chat.DisconnectedReason();

            stopped = true;
            await host.DisposeAsync();

            Assert.Equal("server shutting down", await mainReason.Within());
            Assert.Equal("server shutting down", await chatReason.Within());
            await client.ReceiveUntilCloseAsync();
        }
        finally
        {
            if (!stopped)
                await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task Each_socket_has_its_own_service_scope_disposed_when_it_disconnects()
    {
        var sockets = new Recorder<Socket>();
        await using var host = await SioTest.StartAsync(
            io =>
            {
                io.Of("/").OnConnection(sockets.Add);
                io.Of("/chat").OnConnection(sockets.Add);
            },
            services: s => s.AddScoped<ScopedThing>());
        var client = await SioClient.ConnectAsync(host);
        using (client)
        {
            await client.JoinAsync("/");
            var main = await sockets.NextAsync();
            await client.JoinAsync("/chat");
            var chat = await sockets.NextAsync();

            Assert.NotNull(main.Services);
            Assert.NotNull(chat.Services);
            var mainThing = main.Services.GetRequiredService<ScopedThing>();
            var chatThing = chat.Services.GetRequiredService<ScopedThing>();
            Assert.Same(mainThing, main.Services.GetRequiredService<ScopedThing>());
            Assert.NotSame(mainThing, chatThing);
            Assert.Same(host.Services.GetRequiredSocketIo(), main.Services.GetRequiredService<SocketIoServer>());

            var chatGone = chat.DisconnectedReason();
            await client.SendAsync("41/chat,");
            await chatGone.Within();
            // The scope is disposed right after the Disconnected listeners ran: wait for it, do not race it.
            await EioTestUtil.WaitUntilAsync(() => chatThing.Disposed, "the /chat socket's scope is disposed");
            Assert.False(mainThing.Disposed);

            var mainGone = main.DisconnectedReason();
            await client.CloseAsync();
            await mainGone.Within();
            await EioTestUtil.WaitUntilAsync(() => mainThing.Disposed, "the / socket's scope is disposed");
        }
    }

    [Fact]
    public async Task The_scope_is_disposed_after_the_disconnect_listeners_ran()
    {
        var sockets = new Recorder<Socket>();
        var seen = SioTest.Signal<bool>();
        await using var host = await SioTest.StartAsync(
            io => io.Of("/").OnConnection(socket =>
            {
                var thing = socket.Services!.GetRequiredService<ScopedThing>();
                socket.Disconnected += (_, _) => seen.SetResult(thing.Disposed);
                sockets.Add(socket);
            }),
            services: s => s.AddScoped<ScopedThing>());
        var (client, _) = await SioClient.ConnectAndJoinAsync(host);
        using (client)
        {
            await sockets.NextAsync();
            await client.SendAsync("41");

            Assert.False(await seen.Task.Within());
        }
    }

    public sealed class ScopedThing : IDisposable
    {
        public bool Disposed { get; private set; }

        public void Dispose() => Disposed = true;
    }
}
