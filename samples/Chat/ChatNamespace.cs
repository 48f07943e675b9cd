using TypedIo.SocketIo;

namespace TypedIo.Samples.Chat;

/// <summary>The chat: everyone in the main namespace; a message is a name and a text, sent to all.</summary>
internal static class ChatNamespace
{
    public const int MaxMessageLength = 500;

    public static void Map(SocketIoServer io)
    {
        var chat = io.Of("/");
        chat.OnConnection(socket =>
        {
            socket.On("say", e =>
            {
                var name = e.Args.Count > 0 && e.Args[0].ValueKind == System.Text.Json.JsonValueKind.String ? e.Args[0].GetString()! : "anonymous";
                var text = e.Args.Count > 1 && e.Args[1].ValueKind == System.Text.Json.JsonValueKind.String ? e.Args[1].GetString()! : "";
                if (text.Length is 0 or > MaxMessageLength)
                {
                    e.Ack(new { ok = false, error = $"a message has 1 to {MaxMessageLength} characters" });
                    return ValueTask.CompletedTask;
                }
                e.Ack(new { ok = true });
                return chat.EmitAsync("said", name, text);
            });
            socket.Broadcast.EmitAsync("presence", chat.SocketCount);
            socket.EmitAsync("presence", chat.SocketCount);
            socket.Disconnected += (_, _) => chat.EmitAsync("presence", chat.SocketCount);
        });
    }
}
