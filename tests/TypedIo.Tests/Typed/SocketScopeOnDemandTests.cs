using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using TypedIo.SocketIo;
using TypedIo.Tests.Infrastructure;
using TypedIo.Tests.SocketIo;

namespace TypedIo.Tests.Typed;

/// <summary>
/// A socket's DI scope is made when something first asks for a service (a hub's constructor, a handler, middleware,
/// a validator), not for every socket: an idle socket held for hours whose hub needs no service keeps none. What a
/// user gets from <see cref="Socket.Services"/> is the same: one scope per socket, disposed when it disconnects.
/// </summary>
public sealed class SocketScopeOnDemandTests
{
    [Fact]
    public async Task A_hub_without_constructor_services_makes_no_scope_for_its_socket()
    {
        var probe = new HubProbe();
        await using var host = await HubTestHost.StartAsync(probe);
        using var client = await SioClient.ConnectAsync(host);
        await client.JoinAsync("/team-1");
        Assert.Equal("""42/team-1,["hello","/team-1"]""", await client.ReceiveAsync());

        await client.SendAsync("""42/team-1,1["where"]""");
        Assert.Equal("""43/team-1,1["/team-1"]""", await client.ReceiveAsync());

        var socket = SingleSocket(host, "/team-1");
        // Before, every socket made one when it joined, and kept it for its whole life.
        Assert.False(socket.HasServiceScope);
    }

    [Fact]
    public async Task A_hub_with_constructor_services_gets_them_from_its_socket_scope()
    {
        var probe = new HubProbe();
        await using var host = await HubTestHost.StartAsync(probe);
        var (client, _) = await HubTestHost.JoinNotesAsync(host, probe);
        using (client)
        {
            var socket = SingleSocket(host, "/notes");
            Assert.True(socket.HasServiceScope);
            // The hub's scoped counter is the socket's: the one its Services resolves.
            await client.SendAsync("""42/notes,["post",{"room":"a","text":"1","priority":null}]""");
            await probe.Notes.NextAsync();
            Assert.Equal(1, socket.Services!.GetRequiredService<SocketScopedCounter>().Count);
        }
    }

    [Fact]
    public async Task Services_made_on_first_use_are_one_scope_for_the_socket_and_disposed_when_it_disconnects()
    {
        Socket? connected = null;
        var joined = new TaskCompletionSource<Socket>(TaskCreationOptions.RunContinuationsAsynchronously);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await TestHost.StartAsync(
            app => app.MapTypedIo(io => io.Sockets.OnConnection(socket =>
            {
                connected = socket;
                socket.Disconnected += (_, _) => closed.TrySetResult();
                joined.TrySetResult(socket);
            })),
            services => services.AddTypedIo().AddScoped<DisposableScoped>());
        using var client = await SioClient.ConnectAsync(host);
        await client.JoinAsync();
        var socket = await joined.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(socket.HasServiceScope);

        var services = socket.Services!;
        var scoped = services.GetRequiredService<DisposableScoped>();
        Assert.True(socket.HasServiceScope);
        Assert.Same(services, socket.Services);
        Assert.Same(scoped, socket.Services!.GetRequiredService<DisposableScoped>());
        Assert.NotSame(scoped, host.Services.CreateScope().ServiceProvider.GetRequiredService<DisposableScoped>());

        await client.SendAsync("41");
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(scoped.Disposed);
        // Asked for after the socket closed: a disposed scope, as the socket's own is, never one left undisposed.
        Assert.Throws<ObjectDisposedException>(() => connected!.Services!.GetRequiredService<DisposableScoped>());
    }

    private static Socket SingleSocket(TestHost host, string nsp) =>
        Assert.Single(host.Services.GetRequiredService<SocketIoServer>().Namespaces.Single(n => n.Name == nsp).ConnectedSockets);

    private sealed class DisposableScoped : IDisposable
    {
        public bool Disposed { get; private set; }

        public void Dispose() => Disposed = true;
    }
}
