using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using TypedIo.Analyzers.Tests.Infrastructure;
using TypedIo.Generators;
using TypedIo.CodeAnalysis;

namespace TypedIo.Analyzers.Tests;

/// <summary>Calls through the generated hub context (<c>ChatHubContext.Namespace</c>), with the real generator running.</summary>
public sealed class HubContextTests
{
    private sealed class Test : CSharpAnalyzerTest<UntypedCallAnalyzer, DefaultVerifier>
    {
        public Test()
        {
            Verifier<UntypedCallAnalyzer>.Configure(this, null);
            TestBehaviors |= TestBehaviors.SkipGeneratedSourcesCheck;
        }

        protected override IEnumerable<Type> GetSourceGenerators() => [typeof(HubGenerator)];
    }

    [Fact]
    public Task The_namespace_of_a_generated_hub_context_ties_to_its_hub() =>
        new Test
        {
            TestCode = Sources.Chat + """
                public sealed class Ticker(ChatHubContext chat)
                {
                    public ValueTask Tick() => chat.Namespace.To("lobby").EmitAsync({|#0:"presense"|}, 1);
                    public ValueTask Fine() => chat.Namespace.EmitAsync("presence", 1);
                }
                """,
            ExpectedDiagnostics =
            {
                Verifier<UntypedCallAnalyzer>.Diagnostic(TypedIoDiagnostics.MisspelledEvent).WithLocation(0)
                    .WithArguments("presense", "server-to-client", "ChatHub", "presence"),
            },
        }.RunAsync();
}
