namespace TypedIo.Generators.Tests.Hubs;

/// <summary>C# sources the generator tests compile.</summary>
internal static class Sources
{
    public const string Chat = """
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using System.Text.Json.Nodes;
        using Microsoft.AspNetCore.Authorization;
        using TypedIo;

        namespace Demo;

        public sealed record ChatMessage(string Room, string Text, string? ReplyTo);
        public sealed record JoinResult(string Room, IReadOnlyList<ChatMessage> History);

        public interface IChatHub
        {
            Task SendMessage(ChatMessage message);
            Task<JoinResult> JoinRoom(string room, CancellationToken cancellationToken);
            [Event("typing")] ValueTask SetTyping(bool on);
            Task<int?> Count();
            [Authorize(Policy = "uploaders", Roles = "editor,admin")] Task Upload(string name, byte[] data);
            Task Relay(string eventName, params JsonNode?[] args);
        }

        public interface IChatClient
        {
            Task MessageReceived(ChatMessage message);
            Task<bool> AreYouThere();
            ValueTask<string?> Nickname(int attempt, CancellationToken cancellationToken);
            Task Typing(string user, bool on);
        }

        [SocketHub("/chat")]
        [Authorize]
        public sealed partial class ChatHub : SocketHub<IChatClient>, IChatHub
        {
            public Task SendMessage(ChatMessage message) => Clients.OthersIn(message.Room).MessageReceived(message);
            [Authorize("members")]
            public Task<JoinResult> JoinRoom(string room, CancellationToken cancellationToken) => Task.FromResult(new JoinResult(room, []));
            public ValueTask SetTyping(bool on) => default;
            [AllowAnonymous]
            public Task<int?> Count() => Task.FromResult<int?>(1);
            public Task Upload(string name, byte[] data) => Task.CompletedTask;
            Task IChatHub.Relay(string eventName, params JsonNode?[] args) => Task.CompletedTask;
        }
        """;
}
