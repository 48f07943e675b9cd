using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using TypedIo.Analyzers.Contracts;
using TypedIo.CodeAnalysis;

namespace TypedIo.Analyzers;

/// <summary>
/// TIO102: a project with a hub is compiled by MSBuild without TypedIo's build targets (the package's build assets
/// excluded, or a from-source setup without the import), so nothing writes its <c>.d.ts</c>. The targets make the
/// property <c>TypedIoTargetsImported</c> visible to the compiler; a build that does not see it is missing them. The
/// property <c>TypedIoTypeScriptOutput</c> itself is not visible then (the targets declare what the compiler sees), so
/// the warning is reported for every hub. Compilations outside MSBuild (no <c>TargetFramework</c>) are not judged.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class BuildWiringAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [TypedIoDiagnostics.BuildTargetsNotImported];

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var options = start.Options.AnalyzerConfigOptionsProvider.GlobalOptions;
            if (!options.TryGetValue("build_property.TargetFramework", out var framework) || string.IsNullOrEmpty(framework))
                return;
            if (options.TryGetValue("build_property.TypedIoTargetsImported", out var imported) && imported == "true")
                return;
            if (TypedIoSymbols.Create(start.Compilation) is not { SocketHubAttribute: not null } symbols)
                return;
            start.RegisterSymbolAction(c =>
            {
                var type = (INamedTypeSymbol)c.Symbol;
                if (symbols.IsHubClass(type))
                    c.ReportDiagnostic(Diagnostic.Create(TypedIoDiagnostics.BuildTargetsNotImported, type.Locations[0], type.Name));
            }, SymbolKind.NamedType);
        });
    }
}
