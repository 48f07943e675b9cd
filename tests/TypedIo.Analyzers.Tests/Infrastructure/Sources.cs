namespace TypedIo.Analyzers.Tests.Infrastructure;

/// <summary>The chat contracts most tests start from: a hub on "/chat", a hub on "/", a pattern hub.</summary>
internal static class Sources
{
    public const string Chat = """
        #nullable enable
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using TypedIo;
        using TypedIo.SocketIo;

        public sealed record ChatMessage(string Room, string Text);
        public sealed record JoinResult(string Room, int Members);

        public interface IChatHub
        {
            Task SendMessage(ChatMessage message);
            [Event("typing")] Task SetTyping(bool on);
            Task<JoinResult> JoinRoom(string room, CancellationToken ct);
        }

        public interface IChatClient
        {
            Task MessageReceived(ChatMessage message);
            Task Presence(int count);
            Task Said(string name, string? text);
            Task Log(string level, params object?[] args);
            Task<bool> AreYouThere();
        }

        [SocketHub("/chat")]
        public sealed partial class ChatHub : SocketHub<IChatClient>, IChatHub
        {
            public Task SendMessage(ChatMessage message) => Task.CompletedTask;
            public Task SetTyping(bool on) => Task.CompletedTask;
            public Task<JoinResult> JoinRoom(string room, CancellationToken ct) => Task.FromResult(new JoinResult(room, 1));
        }

        public interface IMainHub { Task Ping(); }
        public interface IMainClient { Task Pong(long at); }

        [SocketHub]
        public sealed partial class MainHub : SocketHub<IMainClient>, IMainHub
        {
            public Task Ping() => Task.CompletedTask;
        }

        [SocketHub(NamespacePattern = "^/team-[0-9]+$")]
        public sealed partial class TeamHub : SocketHub<IMainClient>, IMainHub
        {
            public Task Ping() => Task.CompletedTask;
        }

        """;
}
