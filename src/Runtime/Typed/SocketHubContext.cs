using TypedIo.SocketIo;

namespace TypedIo;

/// <summary>
/// The typed emitters of a hub from outside it (a background service, a controller). The generator derives one per
/// hub, <c>{Hub}Context</c>, registered in dependency injection by <c>AddSocketHub&lt;THub&gt;()</c>.
/// </summary>
/// <typeparam name="TSingle">The generated emitter to one socket.</typeparam>
/// <typeparam name="TBroadcast">The generated emitter to many sockets.</typeparam>
/// <example>
/// <code>
/// public sealed class Ticker(ChatHubContext chat) : BackgroundService
/// {
///     protected override async Task ExecuteAsync(CancellationToken stop) => await chat.Clients.All.MessageReceived(new("server", "tick"));
/// }
/// </code>
/// </example>
public abstract class SocketHubContext<TSingle, TBroadcast>
    where TSingle : ClientProxy<TSingle>, IClientProxy<TSingle>
    where TBroadcast : BroadcastProxy<TBroadcast>, IBroadcastProxy<TBroadcast>
{
    private readonly SocketIoServer _server;
    private readonly string? _namespace;

    /// <summary>Creates the context of the hub serving <paramref name="namespace"/> (null for a dynamic hub).</summary>
    protected SocketHubContext(SocketIoServer server, string? @namespace)
    {
        ArgumentNullException.ThrowIfNull(server);
        _server = server;
        _namespace = @namespace;
    }

    /// <summary>The hub's namespace.</summary>
    /// <exception cref="InvalidOperationException">The hub serves a pattern of namespaces: use <see cref="Of"/>.</exception>
    public Namespace Namespace => _server.Of(_namespace ?? throw new InvalidOperationException("This hub serves dynamic namespaces: pick one with Of(name)."));

    /// <summary>Every socket of the hub's namespace.</summary>
    public TBroadcast All => TBroadcast.Create(Namespace.All, null);

    /// <summary>The sockets in <paramref name="room"/>.</summary>
    public TBroadcast Room(string room) => TBroadcast.Create(Namespace.To(room), null);

    /// <summary>The sockets in any of <paramref name="rooms"/>.</summary>
    public TBroadcast Rooms(IEnumerable<string> rooms) => TBroadcast.Create(Namespace.All.To(rooms), null);

    /// <summary>Every socket except those in <paramref name="room"/>.</summary>
    public TBroadcast Except(string room) => TBroadcast.Create(Namespace.Except(room), null);

    /// <summary>The socket with id <paramref name="socketId"/>.</summary>
    public TBroadcast Socket(string socketId) => TBroadcast.Create(Namespace.To(socketId), null);

    /// <summary>A connected socket of this node, with acks answered one by one.</summary>
    public bool TryGetSocket(string socketId, out TSingle client)
    {
        if (Namespace.TryGetSocket(socketId, out var socket))
        {
            client = TSingle.Create(socket, null);
            return true;
        }
        client = null!;
        return false;
    }

    /// <summary>Every socket of the namespace <paramref name="name"/> (for a hub serving dynamic namespaces).</summary>
    public TBroadcast Of(string name) => TBroadcast.Create(_server.Of(name).All, null);
}
