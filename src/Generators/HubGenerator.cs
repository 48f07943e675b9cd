using System;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using TypedIo.Generators.AsyncApi;
using TypedIo.Generators.Emitting;
using TypedIo.Generators.Model;
using TypedIo.Generators.Parsing;
using TypedIo.Generators.TypeScript;

namespace TypedIo.Generators;

/// <summary>
/// Turns each <c>[SocketHub]</c> class into its event dispatch, typed emitters and context, and all hubs of the
/// assembly into one TypeScript declaration file. Parse → equatable spec → emit; diagnostics on their own output.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class HubGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var parsed = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                "TypedIo.SocketHubAttribute",
                static (node, _) => node is ClassDeclarationSyntax,
                static (ctx, ct) => HubParser.Parse(ctx, ct))
            .WithTrackingName(TrackingNames.Parse);

        var diagnostics = parsed
            .Select(static (result, _) => result.Diagnostics)
            .WithTrackingName(TrackingNames.Diagnostics);
        context.RegisterSourceOutput(diagnostics, static (spc, list) =>
        {
            foreach (var diagnostic in list)
                spc.ReportDiagnostic(diagnostic.ToDiagnostic());
        });

        var specs = parsed
            .Where(static result => result.Spec is not null)
            .Select(static (result, _) => result.Spec!)
            .WithTrackingName(TrackingNames.Specs);
        context.RegisterSourceOutput(specs, static (spc, spec) =>
        {
            spc.AddSource(HintName(spec), HubEmitter.Emit(spec));
            spc.AddSource(AsyncApiEmitter.HintName(spec), AsyncApiEmitter.EmitSource(spec));
        });

        var all = specs
            .Collect()
            .Select(static (list, _) => list.OrderBy(s => s.FullName, StringComparer.Ordinal).ToEquatableArray())
            .WithTrackingName(TrackingNames.AllSpecs);
        context.RegisterSourceOutput(all, static (spc, hubs) =>
        {
            if (hubs.IsEmpty)
                return;
            var text = TypeScriptEmitter.Emit(hubs, out var tsDiagnostics);
            foreach (var diagnostic in tsDiagnostics)
                spc.ReportDiagnostic(diagnostic.ToDiagnostic());
            spc.AddSource(TypeScriptSourceEmitter.HintName, TypeScriptSourceEmitter.Emit(text));
        });
    }

    private static string HintName(HubSpec spec) =>
        (spec.ClassNamespace.Length == 0 ? spec.ClassName : spec.ClassNamespace + "." + spec.ClassName) + ".g.cs";
}
