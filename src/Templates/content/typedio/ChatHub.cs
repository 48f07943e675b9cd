using TypedIo;

/// <summary>A chat message: the same shape in C# and, through the generated .d.ts, in TypeScript.</summary>
public sealed record ChatMessage(string Room, string User, string Text);

/// <summary>What clients send (client to server). Each method is an event; its wire name is the camelCase name.</summary>
public interface IChatHub
{
    /// <summary>Joins a room; the client's ack receives the room's earlier messages.</summary>
    Task<IReadOnlyList<ChatMessage>> Join(string room);

    /// <summary>Sends a message to everyone in its room.</summary>
    Task Send(ChatMessage message);
}

/// <summary>What the server sends (server to client).</summary>
public interface IChatClient
{
    /// <summary>A message in a room the client joined.</summary>
    Task Message(ChatMessage message);
}

/// <summary>The hub: the source generator writes its event dispatch, <c>Clients</c> and <c>ChatHubContext</c>.</summary>
[SocketHub("/chat")]
public sealed partial class ChatHub(ChatHistory history) : SocketHub<IChatClient>, IChatHub
{
    /// <inheritdoc />
    public Task<IReadOnlyList<ChatMessage>> Join(string room)
    {
        Context.Socket.Join(room);
        return Task.FromResult(history.In(room));
    }

    /// <inheritdoc />
    public Task Send(ChatMessage message)
    {
        history.Add(message);
        return Clients.Room(message.Room).Message(message);
    }
}

/// <summary>The messages so far, kept in memory for the life of the server.</summary>
public sealed class ChatHistory
{
    private readonly List<ChatMessage> messages = [];

    /// <summary>Remembers a message.</summary>
    public void Add(ChatMessage message)
    {
        lock (messages)
            messages.Add(message);
    }

    /// <summary>The messages of one room, oldest first.</summary>
    public IReadOnlyList<ChatMessage> In(string room)
    {
        lock (messages)
            return messages.Where(m => m.Room == room).ToList();
    }
}
