using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using TypedIo.Analyzers.Contracts;
using TypedIo.CodeAnalysis;

namespace TypedIo.Analyzers;

/// <summary>
/// Contract mistakes the generator lets through (it only warns TIO010 about their TypeScript form): TIO023 (an event
/// travelling both ways with incompatible payloads), TIO025 (a tuple ack), TIO026 (a payload type System.Text.Json
/// cannot carry). Wire-name clashes and invalid names stay generator errors (TIO004, TIO009).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ContractAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        [TypedIoDiagnostics.IncompatibleDirections, TypedIoDiagnostics.TupleAck, TypedIoDiagnostics.NotSerializable];

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (TypedIoSymbols.Create(start.Compilation) is not { } symbols)
                return;
            var index = new HubIndex(symbols);
            start.RegisterSymbolAction(c => AnalyzeHub(c, index), SymbolKind.NamedType);
            start.RegisterSymbolAction(c => AnalyzeEventMethod(c, index), SymbolKind.Method);
        });
    }

    private static void AnalyzeHub(SymbolAnalysisContext context, HubIndex index)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (type.TypeKind != TypeKind.Class || !index.Symbols.IsHubClass(type) || index.ForClass(type) is not { } hub)
            return;
        var location = type.Locations.FirstOrDefault();
        foreach (var incoming in hub.Incoming)
        {
            var outgoing = hub.Outgoing.FirstOrDefault(e => e.WireName == incoming.WireName);
            if (outgoing is null)
                continue;
            var a = Payload(incoming.Method, index.Symbols);
            var b = Payload(outgoing.Method, index.Symbols);
            var restA = a.Length > 0 && index.Symbols.IsRest(a[a.Length - 1]);
            var restB = b.Length > 0 && index.Symbols.IsRest(b[b.Length - 1]);
            if (restA || restB)
                continue; // a rest parameter takes anything
            var incompatible = a.Length != b.Length
                || a.Zip(b, (x, y) => PayloadTypes.AreIncompatible(x.Type, y.Type, context.Compilation)).Any(bad => bad);
            if (incompatible)
                context.ReportDiagnostic(Diagnostic.Create(TypedIoDiagnostics.IncompatibleDirections, location,
                    incoming.WireName, type.Name, Signature(a), Signature(b)));
        }
    }

    private static ImmutableArray<IParameterSymbol> Payload(IMethodSymbol method, TypedIoSymbols symbols) =>
        method.Parameters.Where(p => !TypedIoSymbols.Is(p.Type, symbols.CancellationToken)).ToImmutableArray();

    private static string Signature(ImmutableArray<IParameterSymbol> parameters) =>
        "(" + string.Join(", ", parameters.Select(p => p.Type.ToDisplayString())) + ")";

    private static void AnalyzeEventMethod(SymbolAnalysisContext context, HubIndex index)
    {
        var method = (IMethodSymbol)context.Symbol;
        if (method is not { MethodKind: MethodKind.Ordinary, IsAbstract: true, IsStatic: false, ContainingType.TypeKind: TypeKind.Interface }
            || !index.IsContractInterface(method.ContainingType))
            return;
        var symbols = index.Symbols;
        var qualified = $"{method.ContainingType.Name}.{method.Name}";

        if (method.ReturnType is INamedTypeSymbol { IsGenericType: true } returned
            && (TypedIoSymbols.Is(returned, symbols.TaskOfT) || TypedIoSymbols.Is(returned, symbols.ValueTaskOfT)))
        {
            var ack = returned.TypeArguments[0];
            if (ack.IsTupleType)
                context.ReportDiagnostic(Diagnostic.Create(TypedIoDiagnostics.TupleAck, method.Locations.FirstOrDefault(), qualified, ack.ToDisplayString()));
            else if (PayloadTypes.WhyNotSerializable(ack) is { } why)
                context.ReportDiagnostic(Diagnostic.Create(TypedIoDiagnostics.NotSerializable, method.Locations.FirstOrDefault(), "The ack", qualified, ack.ToDisplayString(), why));
        }

        foreach (var parameter in method.Parameters)
        {
            if (symbols.IsRest(parameter) || parameter.RefKind != RefKind.None || TypedIoSymbols.Is(parameter.Type, symbols.CancellationToken))
                continue; // the generator's TIO006/TIO007 cover these
            if (PayloadTypes.WhyNotSerializable(parameter.Type) is { } why)
                context.ReportDiagnostic(Diagnostic.Create(TypedIoDiagnostics.NotSerializable, parameter.Locations.FirstOrDefault() ?? method.Locations.FirstOrDefault(),
                    $"Parameter '{parameter.Name}'", qualified, parameter.Type.ToDisplayString(), why));
        }
    }
}
