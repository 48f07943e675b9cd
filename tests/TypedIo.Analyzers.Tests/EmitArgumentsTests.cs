using TypedIo.Analyzers.Tests.Infrastructure;
using Verify = TypedIo.Analyzers.Tests.Infrastructure.Verifier<TypedIo.Analyzers.UntypedCallAnalyzer>;
using TypedIo.CodeAnalysis;

namespace TypedIo.Analyzers.Tests;

/// <summary>TIO022: untyped emits of a declared event whose arguments cannot match its parameters.</summary>
public sealed class EmitArgumentsTests
{
    [Fact]
    public Task Wrong_argument_count_is_reported_on_the_call() =>
        Verify.VerifyAsync(Sources.Chat + """
            public sealed partial class ChatHub
            {
                public Task None() => {|#0:Context.Socket.EmitAsync("presence")|}.AsTask();
                public Task TooMany() => {|#1:Context.Socket.Broadcast.EmitAsync("said", "ann", "hi", "extra")|}.AsTask();
                public Task RestTooFew() => {|#2:Context.Socket.EmitAsync("log")|}.AsTask();
            }
            """,
            Verify.Diagnostic(TypedIoDiagnostics.EmitArgumentsMismatch).WithLocation(0).WithArguments("presence", "ChatHub", "takes 1 argument (int), but 0 are passed"),
            Verify.Diagnostic(TypedIoDiagnostics.EmitArgumentsMismatch).WithLocation(1).WithArguments("said", "ChatHub", "takes 2 arguments (string, string?), but 3 are passed"),
            Verify.Diagnostic(TypedIoDiagnostics.EmitArgumentsMismatch).WithLocation(2).WithArguments("log", "ChatHub", "takes at least 1 arguments (string), but 0 are passed"));

    [Fact]
    public Task Clearly_wrong_argument_types_are_reported_on_the_argument() =>
        Verify.VerifyAsync(Sources.Chat + """
            public static class Setup
            {
                public static void Map(SocketIoServer io)
                {
                    var chat = io.Of("/chat");
                    chat.EmitAsync("presence", {|#0:"three"|});
                    chat.EmitAsync("messageReceived", {|#1:new JoinResult("r", 1)|});
                    chat.EmitAsync("said", {|#2:42|}, "a");
                    chat.EmitAsync("messageReceived", {|#3:true|});
                }
            }
            """,
            Verify.Diagnostic(TypedIoDiagnostics.EmitArgumentsMismatch).WithLocation(0).WithArguments("presence", "ChatHub", "expects 'int' for 'count', but 'string' is passed"),
            Verify.Diagnostic(TypedIoDiagnostics.EmitArgumentsMismatch).WithLocation(1).WithArguments("messageReceived", "ChatHub", "expects 'ChatMessage' for 'message', but 'JoinResult' is passed"),
            Verify.Diagnostic(TypedIoDiagnostics.EmitArgumentsMismatch).WithLocation(2).WithArguments("said", "ChatHub", "expects 'string' for 'name', but 'int' is passed"),
            Verify.Diagnostic(TypedIoDiagnostics.EmitArgumentsMismatch).WithLocation(3).WithArguments("messageReceived", "ChatHub", "expects 'ChatMessage' for 'message', but 'bool' is passed"));

    [Fact]
    public Task Null_where_the_contract_forbids_it_and_an_ack_the_event_does_not_have() =>
        Verify.VerifyAsync(Sources.Chat + """
            public sealed partial class ChatHub
            {
                public Task NullName() => Context.Socket.EmitAsync("said", {|#0:null|}, null).AsTask();
                public Task NoAck() => {|#1:Context.Socket.EmitWithAckAsync("presence", [1])|};
            }
            """,
            Verify.Diagnostic(TypedIoDiagnostics.EmitArgumentsMismatch).WithLocation(0).WithArguments("said", "ChatHub", "expects a non-null 'string' for 'name', but null is passed"),
            Verify.Diagnostic(TypedIoDiagnostics.EmitArgumentsMismatch).WithLocation(1).WithArguments("presence", "ChatHub", "has no ack value (it returns Task): the client never answers EmitWithAckAsync"));

    [Fact]
    public Task Arguments_that_may_fit_are_not_reported() =>
        Verify.VerifyAsync(Sources.Chat + """
            public sealed partial class ChatHub
            {
                public async Task Fine(object anything, object?[] computed, IReadOnlyList<int> counts, System.Text.Json.Nodes.JsonNode node)
                {
                    await Context.Socket.EmitAsync("presence", 3L);                          // numbers are numbers
                    await Context.Socket.EmitAsync("presence", (byte)3);
                    await Context.Socket.EmitAsync("messageReceived", new { room = "r", text = "t" }); // same JSON shape
                    await Context.Socket.EmitAsync("messageReceived", anything);             // unknown type
                    await Context.Socket.EmitAsync("messageReceived", node);                 // any JSON
                    await Context.Socket.EmitAsync("messageReceived", computed);             // values not spelled out
                    await Context.Socket.EmitAsync("said", "ann", null);                     // string? takes null
                    await Context.Socket.EmitAsync("said", 'a', "b");                        // a char is a string
                    await Context.Socket.EmitAsync("log", "info", 1, "two", counts);         // rest arguments take anything
                    await Context.Socket.EmitWithAckAsync("areYouThere", []);
                    await Context.Socket.EmitWithAckAsync("areYouThere", new object?[0], TimeSpan.FromSeconds(1));
                }
            }
            """);
}
