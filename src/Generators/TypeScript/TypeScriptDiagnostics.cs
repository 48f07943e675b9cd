using Microsoft.CodeAnalysis;

namespace TypedIo.Generators.TypeScript;

/// <summary>The diagnostics of the TypeScript declarations (<c>TIO010</c>-<c>TIO019</c>).</summary>
internal static class TypeScriptDiagnostics
{
    private const string Category = "TypedIo";
    private const string HelpLinkBase = "https://github.com/typedio/typedio/blob/main/docs/diagnostics.md#";

    /// <summary>A contract type whose JSON shape TypeScript cannot state: it is declared as <c>unknown</c>.</summary>
    public static readonly DiagnosticDescriptor TypeScriptUnsupportedType = new(
        id: "TIO010",
        title: "Type cannot be expressed in TypeScript",
        messageFormat: "'{0}' cannot be expressed in TypeScript ({1}); it is declared as 'unknown'",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        helpLinkUri: HelpLinkBase + "tio010");

    /// <summary>Two C# types claim one TypeScript name: the second gets a numbered name and every reference follows it.</summary>
    public static readonly DiagnosticDescriptor TypeScriptNameCollision = new(
        id: "TIO011",
        title: "Two contract types map to one TypeScript name",
        messageFormat: "Two contract types map to the TypeScript name '{0}' ('{1}' and '{2}'); the second is renamed '{3}'",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        helpLinkUri: HelpLinkBase + "tio011");
}
