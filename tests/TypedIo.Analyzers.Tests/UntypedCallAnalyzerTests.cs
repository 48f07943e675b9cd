using TypedIo.Analyzers.CodeFixes;
using TypedIo.Analyzers.Tests.Infrastructure;
using Verify = TypedIo.Analyzers.Tests.Infrastructure.Verifier<TypedIo.Analyzers.UntypedCallAnalyzer>;
using TypedIo.CodeAnalysis;

namespace TypedIo.Analyzers.Tests;

/// <summary>TIO020, TIO021 and the TIO020 code fix: literal event names of untyped calls against the targeted hub.</summary>
public sealed class UntypedCallAnalyzerTests
{
    [Fact]
    public Task Misspelled_listener_in_a_hub_suggests_the_closest_client_to_server_event() =>
        Verify.VerifyAsync(Sources.Chat + """
            public sealed partial class ChatHub
            {
                public override ValueTask OnConnectedAsync()
                {
                    Context.Socket.On({|#0:"sendMesage"|}, e => { });
                    return default;
                }
            }
            """,
            Verify.Diagnostic(TypedIoDiagnostics.MisspelledEvent).WithLocation(0)
                .WithArguments("sendMesage", "client-to-server", "ChatHub", "sendMessage"));

    [Fact]
    public Task Misspelled_emit_in_a_hub_suggests_the_closest_server_to_client_event() =>
        Verify.VerifyAsync(Sources.Chat + """
            public sealed partial class ChatHub
            {
                public Task Notify(ChatMessage message) => Context.Socket.To("room").EmitAsync({|#0:"mesageReceived"|}, message).AsTask();
                public Task Everyone() => Context.Socket.Namespace.Volatile.EmitAsync({|#1:"Presence"|}, 1).AsTask();
                public Task Once() => this.Context.Socket.Once({|#2:"Typing"|}, e => default).Broadcast.EmitAsync("presence", 2).AsTask();
            }
            """,
            Verify.Diagnostic(TypedIoDiagnostics.MisspelledEvent).WithLocation(0).WithArguments("mesageReceived", "server-to-client", "ChatHub", "messageReceived"),
            Verify.Diagnostic(TypedIoDiagnostics.MisspelledEvent).WithLocation(1).WithArguments("Presence", "server-to-client", "ChatHub", "presence"),
            Verify.Diagnostic(TypedIoDiagnostics.MisspelledEvent).WithLocation(2).WithArguments("Typing", "client-to-server", "ChatHub", "typing"));

    [Fact]
    public Task A_namespace_literal_ties_calls_to_the_hub_serving_it() =>
        Verify.VerifyAsync(Sources.Chat + """
            public static class Setup
            {
                public static void Map(SocketIoServer io)
                {
                    io.Of("/chat").To("lobby").EmitAsync({|#0:"presense"|}, 3);
                    var chat = io.Of("/chat");
                    chat.OnConnection(socket =>
                    {
                        socket.On({|#1:"typeing"|}, e => { });
                        socket.Except("r").EmitWithAckAsync({|#2:"areYouThre"|}, [], TimeSpan.FromSeconds(1));
                    });
                    io.EmitAsync({|#3:"pomg"|}, 1L);
                    io.Sockets.All.EmitAsync({|#4:"poong"|}, 1L);
                    io.To("room").Volatile.EmitAsync({|#5:"png"|}, 1L);
                }
            }
            """,
            Verify.Diagnostic(TypedIoDiagnostics.MisspelledEvent).WithLocation(0).WithArguments("presense", "server-to-client", "ChatHub", "presence"),
            Verify.Diagnostic(TypedIoDiagnostics.MisspelledEvent).WithLocation(1).WithArguments("typeing", "client-to-server", "ChatHub", "typing"),
            Verify.Diagnostic(TypedIoDiagnostics.MisspelledEvent).WithLocation(2).WithArguments("areYouThre", "server-to-client", "ChatHub", "areYouThere"),
            Verify.Diagnostic(TypedIoDiagnostics.MisspelledEvent).WithLocation(3).WithArguments("pomg", "server-to-client", "MainHub", "pong"),
            Verify.Diagnostic(TypedIoDiagnostics.MisspelledEvent).WithLocation(4).WithArguments("poong", "server-to-client", "MainHub", "pong"),
            Verify.Diagnostic(TypedIoDiagnostics.MisspelledEvent).WithLocation(5).WithArguments("png", "server-to-client", "MainHub", "pong"));

    [Fact]
    public Task Declared_names_are_fine_in_either_form() =>
        Verify.VerifyAsync(Sources.Chat + """
            public sealed partial class ChatHub
            {
                public override ValueTask OnConnectedAsync()
                {
                    Context.Socket.On("sendMessage", e => { }).On("typing", e => { }).Once("joinRoom", e => default).Off("typing");
                    return Context.Socket.Broadcast.EmitAsync("messageReceived", new ChatMessage("r", "t"));
                }
            }
            public static class Setup
            {
                public static void Map(SocketIoServer io) => io.Of("/chat").EmitAsync("presence", 1);
            }
            """);

    [Fact]
    public Task Calls_tied_to_no_hub_report_nothing() =>
        Verify.VerifyAsync(Sources.Chat + """
            public static class Setup
            {
                private static Socket? _kept;

                // A socket from anywhere, a computed or unknown namespace, a pattern hub's namespace, a reassigned local,
                // a name that is not a literal, a reserved name: nothing ties them to a contract.
                public static void Map(SocketIoServer io, Socket socket, string name)
                {
                    socket.On("sendMesage", e => { });
                    _kept?.EmitAsync("anything");
                    io.Of(name).EmitAsync("presense", 1);
                    io.Of("/elsewhere").EmitAsync("presense", 1);
                    io.Of("/team-1").EmitAsync("pomg", 1);
                    var ns = io.Of("/chat");
                    ns = io.Of(name);
                    ns.EmitAsync("presense", 1);
                    const string constant = "presense";
                    io.Of("/chat").EmitAsync(constant, 1);
                    io.Of("/chat").OnConnection(s => s.On("disconnecting", e => { }));
                    io.Of("/chat").ServerSideEmit("presense", 1);
                }
            }
            public class NotAHub
            {
                public NotAHub(HubCallerContext context) => context.Socket.On("sendMesage", e => { });
            }
            """);

    [Fact]
    public Task Generated_code_is_skipped() =>
        Verify.VerifyAsync("// <auto-generated/>\n" + Sources.Chat + """
            public sealed partial class ChatHub
            {
                public Task Generated() => Context.Socket.EmitAsync("presense", 1).AsTask();
            }
            """);

    [Fact]
    public Task A_name_unlike_any_declared_event_is_a_warning_of_its_own() =>
        Verify.VerifyAsync(Sources.Chat + """
            public sealed partial class ChatHub
            {
                public override ValueTask OnConnectedAsync()
                {
                    Context.Socket.On({|#0:"ack"|}, e => { });
                    Context.Socket.On({|#1:"messageReceived"|}, e => { });
                    return Context.Socket.EmitAsync({|#2:"sendMessage"|});
                }
            }
            """,
            Verify.Diagnostic(TypedIoDiagnostics.UndeclaredEvent).WithLocation(0)
                .WithArguments("ack", "client-to-server", "ChatHub", "; declare it in the contract, or set the severity of TIO021 for untyped events"),
            Verify.Diagnostic(TypedIoDiagnostics.UndeclaredEvent).WithLocation(1)
                .WithArguments("messageReceived", "client-to-server", "ChatHub", " (it is a server-to-client event: emit it)"),
            Verify.Diagnostic(TypedIoDiagnostics.UndeclaredEvent).WithLocation(2)
                .WithArguments("sendMessage", "server-to-client", "ChatHub", " (it is a client-to-server event: listen to it with On)"));

    [Fact]
    public Task Severities_follow_editorconfig() =>
        Verify.VerifyAsync(Sources.Chat + """
            public sealed partial class ChatHub
            {
                public override ValueTask OnConnectedAsync()
                {
                    Context.Socket.On("ack", e => { });
                    Context.Socket.On({|#0:"sendMesage"|}, e => { });
                    return default;
                }
            }
            """,
            "dotnet_diagnostic.TIO021.severity = none\ndotnet_diagnostic.TIO020.severity = warning",
            Verify.Diagnostic(TypedIoDiagnostics.MisspelledEvent).WithLocation(0).WithSeverity(Microsoft.CodeAnalysis.DiagnosticSeverity.Warning)
                .WithArguments("sendMesage", "client-to-server", "ChatHub", "sendMessage"));

    [Fact]
    public Task Two_hubs_on_one_namespace_tie_to_neither() =>
        Verify.VerifyAsync(Sources.Chat + """
            [SocketHub("/chat")]
            public sealed partial class OtherChatHub : SocketHub<IMainClient>, IMainHub
            {
                public Task Ping() => Task.CompletedTask;
            }
            public static class Setup
            {
                public static void Map(SocketIoServer io) => io.Of("/chat").EmitAsync("presense", 1);
            }
            """);

    [Fact]
    public Task Code_fix_replaces_the_name_with_the_suggestion() =>
        Verify.VerifyFixAsync<UseDeclaredEventNameCodeFixProvider>(Sources.Chat + """
            public sealed partial class ChatHub
            {
                public override ValueTask OnConnectedAsync()
                {
                    Context.Socket.On({|TIO020:"sendMesage"|}, e => { });
                    return Context.Socket.EmitAsync({|TIO020:"presense"|}, /* count */ 1);
                }
            }
            """, Sources.Chat + """
            public sealed partial class ChatHub
            {
                public override ValueTask OnConnectedAsync()
                {
                    Context.Socket.On("sendMessage", e => { });
                    return Context.Socket.EmitAsync("presence", /* count */ 1);
                }
            }
            """);
}
