using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using TypedIo.SocketIo;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Tests.SocketIo;

/// <summary>
/// A host and several raw WebSocket clients joined to one namespace, each with its server socket, on timers that
/// fire only when the test says (<see cref="ManualTimers"/>). Every socket answers <c>marker</c> with <c>marker</c>:
/// a client that gets its marker back knows the server has handled everything it sent before.
/// </summary>
internal sealed partial class SocketGroup : IAsyncDisposable
{
    private SocketGroup(TestHost host, ManualTimers timers)
    {
        Host = host;
        Timers = timers;
    }

    public TestHost Host { get; }

    public ManualTimers Timers { get; }

    public List<SioClient> Clients { get; } = [];

    public List<Socket> Sockets { get; } = [];

    public SocketIoServer Io => Host.Services.GetRequiredSocketIo();

    public Namespace Namespace => Sockets[0].Namespace;

    /// <summary>
    /// Starts a host (<paramref name="configure"/> runs first and may add more) and joins <paramref name="count"/> clients to
    /// <paramref name="nsp"/>, one after the other.
    /// </summary>
    public static async Task<SocketGroup> StartAsync(
        int count,
        string nsp = "/",
        Action<SocketIoServer>? configure = null,
        Action<SocketIoOptions>? options = null,
        Action<IServiceCollection>? services = null)
    {
        var timers = new ManualTimers();
        var sockets = new Recorder<Socket>();
        var host = await SioTest.StartAsync(
            io =>
            {
                // First, so that an adapter set there serves the namespace created below.
                configure?.Invoke(io);
                io.Of(nsp).OnConnection(socket =>
                {
                    socket.On("marker", _ => socket.EmitAsync("marker"));
                    sockets.Add(socket);
                });
            },
            options,
            s =>
            {
                s.AddSingleton<TimeProvider>(timers);
                services?.Invoke(s);
            });
        var group = new SocketGroup(host, timers);
        for (var i = 0; i < count; i++)
            await group.AddClientAsync(nsp, sockets);
        return group;
    }

    private async Task AddClientAsync(string nsp, Recorder<Socket> sockets)
    {
        var (client, _) = await SioClient.ConnectAndJoinAsync(Host, nsp);
        Clients.Add(client);
        Sockets.Add(await sockets.NextAsync());
    }

    /// <summary>Sends <c>marker</c> from client <paramref name="index"/> and waits for it to come back.</summary>
    public async Task SyncAsync(int index, string nsp = "/")
    {
        var prefix = nsp == "/" ? "42" : "42" + nsp + ",";
        await Clients[index].SendAsync(prefix + """["marker"]""");
        Assert.Equal(prefix + """["marker"]""", await Clients[index].ReceiveAsync());
    }

    /// <summary>The ack id of an event packet as received (<c>42&lt;id&gt;[...]</c>, namespace prefix allowed).</summary>
    public static long AckIdOf(string packet)
    {
        var match = AckIdPattern().Match(packet);
        Assert.True(match.Success, $"'{packet}' is not an event with an ack id.");
        return long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in Clients)
            client.Dispose();
        await Host.DisposeAsync();
    }

    [GeneratedRegex("""^42(?:/[^,]*,)?(\d+)\[""")]
    private static partial Regex AckIdPattern();
}
