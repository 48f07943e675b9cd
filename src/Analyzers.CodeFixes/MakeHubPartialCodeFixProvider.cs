using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using TypedIo.CodeAnalysis;

namespace TypedIo.Analyzers.CodeFixes;

/// <summary>
/// TIO001 (reported by the source generator): adds <c>partial</c> to the hub class. A code fix can fix any diagnostic
/// id, a generator's included, so there is no analyzer twin of TIO001.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakeHubPartialCodeFixProvider)), Shared]
public sealed class MakeHubPartialCodeFixProvider : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = [TypedIoDiagnostics.HubNotPartialId];

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            var declaration = root?.FindToken(diagnostic.Location.SourceSpan.Start).Parent?.FirstAncestorOrSelf<ClassDeclarationSyntax>();
            if (root is null || declaration is null || declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
                continue;
            context.RegisterCodeFix(
                CodeAction.Create(
                    "Make the hub partial",
                    _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(declaration, MakePartial(declaration)))),
                    equivalenceKey: nameof(MakeHubPartialCodeFixProvider)),
                diagnostic);
        }
    }

    /// <summary><c>partial</c> goes last among the modifiers, right before <c>class</c>.</summary>
    private static ClassDeclarationSyntax MakePartial(ClassDeclarationSyntax declaration)
    {
        if (declaration.Modifiers.Count == 0)
        {
            var keyword = declaration.Keyword;
            return declaration
                .WithKeyword(keyword.WithLeadingTrivia(SyntaxFactory.TriviaList()))
                .WithModifiers(SyntaxFactory.TokenList(SyntaxFactory.Token(keyword.LeadingTrivia, SyntaxKind.PartialKeyword, SyntaxFactory.TriviaList(SyntaxFactory.Space))));
        }
        return declaration.AddModifiers(SyntaxFactory.Token(SyntaxKind.PartialKeyword).WithTrailingTrivia(SyntaxFactory.Space));
    }
}
