using TypedIo;

namespace TypedIo.Samples.Chat;

/// <summary>A message as everyone sees it.</summary>
public sealed record ChatMessage(string Id, string Room, string User, string Text, DateTimeOffset SentAt);

/// <summary>What a client sends to post a message (validated by <see cref="SendMessageValidator"/>).</summary>
public sealed record SendMessage(string Room, string Text);

/// <summary>The answer to a join: the room's recent messages and who is in it.</summary>
public sealed record JoinResult(string Room, IReadOnlyList<ChatMessage> History, IReadOnlyList<string> Members);

/// <summary>Who is in a room now.</summary>
public sealed record Presence(string Room, IReadOnlyList<string> Members);

/// <summary>Someone started or stopped typing.</summary>
public sealed record TypingState(string Room, string User, bool IsTyping);

/// <summary>What a browser can ask of the chat.</summary>
public interface IChatHub
{
    /// <summary>Joins a room; the ack carries its history and members.</summary>
    Task<JoinResult> Join(string room);

    /// <summary>Leaves a room.</summary>
    Task Leave(string room);

    /// <summary>Posts a message to a room the socket is in; the ack carries the stored message.</summary>
    Task<ChatMessage> Send(SendMessage message);

    /// <summary>Tells the room's other members that this user is (or stopped) typing.</summary>
    [Event("typing")]
    Task SetTyping(string room, bool isTyping);

    /// <summary>Admins only: clears a room's history; the ack carries how many messages went.</summary>
    Task<int> ClearRoom(string room);
}

/// <summary>What the chat tells a browser.</summary>
public interface IChatClient
{
    /// <summary>A new message in one of the socket's rooms.</summary>
    Task Message(ChatMessage message);

    /// <summary>A room's members changed.</summary>
    Task Presence(Presence presence);

    /// <summary>Someone in one of the socket's rooms is typing, or stopped.</summary>
    Task UserTyping(TypingState typing);

    /// <summary>An admin cleared a room.</summary>
    Task Cleared(string room);
}
