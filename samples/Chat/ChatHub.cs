using Microsoft.AspNetCore.Authorization;
using TypedIo;

namespace TypedIo.Samples.Chat;

/// <summary>
/// The chat: rooms, messages with history, typing indicators, presence, and an admin action. One instance per
/// browser tab; the user's name comes from <see cref="ChatAuthenticator"/>.
/// </summary>
[SocketHub("/")]
[Authorize]
public sealed partial class ChatHub(ChatStore store) : SocketHub<IChatClient>, IChatHub
{
    private string User => Context.User.Identity!.Name!;

    /// <inheritdoc />
    public async Task<JoinResult> Join(string room)
    {
        Context.Socket.Join(room);
        var members = store.Enter(room, Context.SocketId, User);
        await Clients.Room(room).Presence(new Presence(room, members));
        return new JoinResult(room, store.History(room), members);
    }

    /// <inheritdoc />
    public async Task Leave(string room)
    {
        Context.Socket.Leave(room);
        await Clients.Room(room).Presence(new Presence(room, store.Exit(room, Context.SocketId)));
    }

    /// <inheritdoc />
    public async Task<ChatMessage> Send(SendMessage message)
    {
        if (!Context.Socket.Rooms.Contains(message.Room))
            throw new SocketHubException("not_in_room", $"Join '{message.Room}' before writing to it.");
        var stored = store.Add(message.Room, User, message.Text);
        await Clients.Room(message.Room).Message(stored);
        return stored;
    }

    /// <inheritdoc />
    public Task SetTyping(string room, bool isTyping) =>
        Context.Socket.Rooms.Contains(room)
            ? Clients.OthersIn(room).UserTyping(new TypingState(room, User, isTyping))
            : Task.CompletedTask;

    /// <inheritdoc />
    [Authorize(Roles = ChatAuthenticator.AdminRole)]
    public async Task<int> ClearRoom(string room)
    {
        var removed = store.Clear(room);
        await Clients.Room(room).Cleared(room);
        return removed;
    }

    /// <inheritdoc />
    public override async ValueTask OnDisconnectedAsync(string reason)
    {
        foreach (var (room, members) in store.ExitAll(Context.SocketId))
            await Clients.Room(room).Presence(new Presence(room, members));
    }
}
