using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using TypedIo.Analyzers.CodeFixes;
using TypedIo.Analyzers.Tests.Infrastructure;
using TypedIo.Generators;

namespace TypedIo.Analyzers.Tests;

/// <summary>
/// The code fix of the generator's TIO001. The testing library applies code fixes to analyzer diagnostics only, so the
/// fix runs against <see cref="NonPartialHubStandIn"/>, which reports TIO001 where the generator does; the first test
/// checks with the real generator that the location is the same.
/// </summary>
public sealed class MakeHubPartialCodeFixTests
{
    private sealed class Test : CSharpCodeFixTest<NonPartialHubStandIn, MakeHubPartialCodeFixProvider, DefaultVerifier>
    {
        public Test()
        {
            Verifier<NonPartialHubStandIn>.Configure(this, null);
        }
    }

    private sealed class GeneratorTest : CSharpAnalyzerTest<EmptyDiagnosticAnalyzer, DefaultVerifier>
    {
        public GeneratorTest()
        {
            Verifier<EmptyDiagnosticAnalyzer>.Configure(this, null);
            TestBehaviors |= TestBehaviors.SkipGeneratedSourcesCheck;
        }

        protected override IEnumerable<Type> GetSourceGenerators() => [typeof(HubGenerator)];
    }

    /// <summary>Reports TIO001 on the identifier of a [SocketHub] class without 'partial', as HubParser does.</summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class NonPartialHubStandIn : DiagnosticAnalyzer
    {
        private static readonly DiagnosticDescriptor Rule = new("TIO001", "A hub must be partial", "The hub '{0}' must be declared 'partial'", "TypedIo", DiagnosticSeverity.Error, true);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [Rule];

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterSyntaxNodeAction(c =>
            {
                var declaration = (ClassDeclarationSyntax)c.Node;
                if (declaration.AttributeLists.SelectMany(l => l.Attributes).Any(a => a.Name.ToString() == "SocketHub")
                    && !declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
                    c.ReportDiagnostic(Diagnostic.Create(Rule, declaration.Identifier.GetLocation(), declaration.Identifier.ValueText));
            }, SyntaxKind.ClassDeclaration);
        }
    }

    [Fact]
    public Task The_generator_reports_TIO001_on_the_identifier_the_fix_expects() =>
        new GeneratorTest
        {
            TestCode = Contracts + """
                [SocketHub("/chat")]
                public sealed class {|TIO001:ChatHub|} : SocketHub<IChatClient>, IChatHub
                {
                    public Task Say(string text) => Task.CompletedTask;
                }
                """,
        }.RunAsync();

    private const string Contracts = """
        using System.Threading.Tasks;
        using TypedIo;

        public interface IChatHub { Task Say(string text); }
        public interface IChatClient { Task Said(string text); }

        """;

    [Theory]
    [InlineData("public sealed class", "public sealed partial class")]
    [InlineData("public class", "public partial class")]
    [InlineData("class", "partial class")]
    [InlineData("internal sealed class", "internal sealed partial class")]
    public Task Adds_partial_before_class(string declaration, string fixedDeclaration) =>
        new Test
        {
            TestCode = Contracts + $$"""
                [SocketHub("/chat")]
                {{declaration}} {|TIO001:ChatHub|} : SocketHub<IChatClient>, IChatHub
                {
                    public Task Say(string text) => Task.CompletedTask;
                }
                """,
            FixedCode = Contracts + $$"""
                [SocketHub("/chat")]
                {{fixedDeclaration}} ChatHub : SocketHub<IChatClient>, IChatHub
                {
                    public Task Say(string text) => Task.CompletedTask;
                }
                """,
        }.RunAsync();
}
