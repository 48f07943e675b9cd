using TypedIo.Analyzers.Tests.Infrastructure;
using Verify = TypedIo.Analyzers.Tests.Infrastructure.Verifier<TypedIo.Analyzers.BlockingCallAnalyzer>;
using TypedIo.CodeAnalysis;

namespace TypedIo.Analyzers.Tests;

/// <summary>TIO024: blocking on a task inside a hub.</summary>
public sealed class BlockingCallAnalyzerTests
{
    [Fact]
    public Task Result_Wait_and_GetResult_in_a_hub_are_reported() =>
        Verify.VerifyAsync(Sources.Chat + """
            public sealed partial class ChatHub
            {
                private static Task<int> Load() => Task.FromResult(1);
                private static ValueTask<int> LoadValue() => new(1);

                public override ValueTask OnConnectedAsync()
                {
                    var a = {|#0:Load().Result|};
                    {|#1:Task.Delay(1).Wait()|};
                    var b = {|#2:Load().GetAwaiter().GetResult()|};
                    var c = {|#3:LoadValue().Result|};
                    {|#4:Task.WaitAll(Load(), Load())|};
                    Action later = () => {|#5:Task.Delay(1).Wait(100)|};
                    return default;
                }
            }
            """,
            Verify.Diagnostic(TypedIoDiagnostics.BlockingCallInHub).WithLocation(0).WithArguments(".Result"),
            Verify.Diagnostic(TypedIoDiagnostics.BlockingCallInHub).WithLocation(1).WithArguments(".Wait()"),
            Verify.Diagnostic(TypedIoDiagnostics.BlockingCallInHub).WithLocation(2).WithArguments(".GetAwaiter().GetResult()"),
            Verify.Diagnostic(TypedIoDiagnostics.BlockingCallInHub).WithLocation(3).WithArguments(".Result"),
            Verify.Diagnostic(TypedIoDiagnostics.BlockingCallInHub).WithLocation(4).WithArguments("Task.WaitAll()"),
            Verify.Diagnostic(TypedIoDiagnostics.BlockingCallInHub).WithLocation(5).WithArguments(".Wait()"));

    [Fact]
    public Task Awaiting_and_blocking_outside_hubs_are_fine() =>
        Verify.VerifyAsync(Sources.Chat + """
            public sealed partial class ChatHub
            {
                public async Task<int> Fine()
                {
                    var done = Task.FromResult(1);
                    await Task.Delay(1);
                    var name = nameof(Task<int>.Result);
                    return await done + name.Length;
                }
            }
            public static class Elsewhere
            {
                public static int Blocking() => Task.FromResult(1).Result + Task.Run(() => 2).GetAwaiter().GetResult();
            }
            """);

    [Fact]
    public Task The_rule_can_be_switched_off_in_editorconfig() =>
        Verify.VerifyAsync(Sources.Chat + """
            public sealed partial class ChatHub
            {
                public int Blocking() => Task.FromResult(1).Result;
            }
            """,
            "dotnet_diagnostic.TIO024.severity = none");
}
