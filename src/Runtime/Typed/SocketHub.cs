namespace TypedIo;

/// <summary>
/// The base of every typed hub. One instance serves one socket for as long as it is connected: it is created from
/// the socket's service scope when the socket joins, and its event methods may run concurrently (events of one
/// socket are not serialized, as in Node's socket.io).
/// </summary>
public abstract class SocketHub
{
    private HubCallerContext? _context;

    /// <summary>The socket this hub instance serves: its id, user, handshake, data and rooms.</summary>
    public HubCallerContext Context
    {
        get => _context ?? throw new InvalidOperationException("The hub is not attached to a socket yet.");
        internal set => _context = value;
    }

    /// <summary>Called once the socket has joined the namespace (the CONNECT reply is sent).</summary>
    public virtual ValueTask OnConnectedAsync() => ValueTask.CompletedTask;

    /// <summary>Called once the socket has disconnected, with the reason (Node's disconnect reasons).</summary>
    public virtual ValueTask OnDisconnectedAsync(string reason) => ValueTask.CompletedTask;
}

/// <summary>
/// The base of a typed hub whose server-to-client events are <typeparamref name="TClient"/>. The generator gives
/// the hub a <c>Clients</c> property with typed emitters for the caller, everyone, rooms and single sockets.
/// </summary>
/// <typeparam name="TClient">The server-to-client event interface.</typeparam>
/// <example>
/// <code>
/// [SocketHub("/chat")]
/// public sealed partial class ChatHub : SocketHub&lt;IChatClient&gt;, IChatHub
/// {
///     public Task SendMessage(ChatMessage message) => Clients.Others.MessageReceived(message);
/// }
/// </code>
/// </example>
public abstract class SocketHub<TClient> : SocketHub
    where TClient : class
{
}
