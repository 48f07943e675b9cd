using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using TypedIo.Analyzers.Contracts;
using TypedIo.CodeAnalysis;

namespace TypedIo.Analyzers;

/// <summary>
/// Untyped calls with a literal event name (<c>socket.On("say", ...)</c>, <c>io.Of("/chat").EmitAsync("said", ...)</c>)
/// checked against the contract of the hub they target (see <see cref="HubResolver"/>): TIO020 (misspelled name),
/// TIO021 (name not in the contract), TIO022 (arguments that cannot match the declared parameters).
/// <c>On</c>/<c>Once</c>/<c>Off</c> name client-to-server events; <c>EmitAsync</c>/<c>EmitVolatileAsync</c>/<c>EmitWithAckAsync</c>
/// name server-to-client events.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UntypedCallAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        [TypedIoDiagnostics.MisspelledEvent, TypedIoDiagnostics.UndeclaredEvent, TypedIoDiagnostics.EmitArgumentsMismatch];

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (TypedIoSymbols.Create(start.Compilation) is not { Socket: not null } symbols)
                return;
            var index = new HubIndex(symbols);
            start.RegisterOperationAction(c => Analyze(c, index), OperationKind.Invocation);
        });
    }

    private static void Analyze(OperationAnalysisContext context, HubIndex index)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod;
        if (DirectionOf(method, index.Symbols) is not { } incoming
            || invocation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 0) is not { } nameArgument
            || nameArgument.Value is not ILiteralOperation { ConstantValue: { HasValue: true, Value: string name } } literal
            || HubContract.IsReserved(name))
            return;
        if (HubResolver.Resolve(invocation.Instance, index) is not { } hub)
            return;

        var events = hub.Events(incoming);
        var declared = events.FirstOrDefault(e => e.WireName == name);
        if (declared is not null)
        {
            if (!incoming)
                CheckArguments(context, invocation, declared, hub, index.Symbols);
            return;
        }

        var direction = incoming ? "client-to-server" : "server-to-client";
        var suggestion = EditDistance.Closest(name, events.Select(e => e.WireName));
        if (suggestion is not null)
        {
            var properties = ImmutableDictionary<string, string?>.Empty.Add(TypedIoDiagnostics.SuggestionProperty, suggestion);
            context.ReportDiagnostic(Diagnostic.Create(TypedIoDiagnostics.MisspelledEvent, literal.Syntax.GetLocation(), properties,
                name, direction, hub.Hub.Name, suggestion));
            return;
        }
        var otherWay = hub.Events(!incoming).Any(e => e.WireName == name)
            ? incoming ? " (it is a server-to-client event: emit it)" : " (it is a client-to-server event: listen to it with On)"
            : "; declare it in the contract, or set the severity of TIO021 for untyped events";
        context.ReportDiagnostic(Diagnostic.Create(TypedIoDiagnostics.UndeclaredEvent, literal.Syntax.GetLocation(), name, direction, hub.Hub.Name, otherWay));
    }

    /// <summary>True for client-to-server names (On, Once, Off), false for server-to-client (Emit*), null otherwise.</summary>
    private static bool? DirectionOf(IMethodSymbol method, TypedIoSymbols symbols)
    {
        var owner = method.ContainingType;
        if (TypedIoSymbols.Is(owner, symbols.Socket) && method.Name is "On" or "Once" or "Off")
            return true;
        var emitter = TypedIoSymbols.Is(owner, symbols.Socket) || TypedIoSymbols.Is(owner, symbols.BroadcastOperator)
            || TypedIoSymbols.Is(owner, symbols.Namespace) || TypedIoSymbols.Is(owner, symbols.SocketIoServer)
            || TypedIoSymbols.Is(owner, symbols.ParentNamespace) || TypedIoSymbols.Is(owner, symbols.RemoteSocket);
        return emitter && method.Name is "EmitAsync" or "EmitVolatileAsync" or "EmitWithAckAsync" ? false : null;
    }

    private static void CheckArguments(OperationAnalysisContext context, IInvocationOperation invocation, ContractEvent declared, HubContract hub, TypedIoSymbols symbols)
    {
        var parameters = declared.Method.Parameters.Where(p => !TypedIoSymbols.Is(p.Type, symbols.CancellationToken)).ToList();
        var rest = parameters.Count > 0 && symbols.IsRest(parameters[parameters.Count - 1]);
        var fixedParameters = rest ? parameters.Take(parameters.Count - 1).ToList() : parameters;
        var location = invocation.Syntax.GetLocation();

        if (invocation.TargetMethod.Name == "EmitWithAckAsync" && declared.Method.ReturnType is INamedTypeSymbol { IsGenericType: false })
        {
            Report("has no ack value (it returns " + declared.Method.ReturnType.Name + "): the client never answers EmitWithAckAsync");
            return;
        }

        var argsArgument = invocation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 1);
        if (argsArgument is null || ValuesOf(argsArgument.Value) is not { } values)
            return;

        if (values.Count < fixedParameters.Count || (!rest && values.Count > fixedParameters.Count))
        {
            var expected = rest ? $"at least {fixedParameters.Count}" : fixedParameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Report($"takes {expected} argument{(fixedParameters.Count == 1 && !rest ? "" : "s")} ({string.Join(", ", fixedParameters.Select(p => p.Type.ToDisplayString()))}), but {values.Count} {(values.Count == 1 ? "is" : "are")} passed");
            return;
        }
        for (var i = 0; i < fixedParameters.Count; i++)
        {
            var parameter = fixedParameters[i];
            var value = Unwrap(values[i]);
            if (value.ConstantValue is { HasValue: true, Value: null } && value.Type is null)
            {
                if (parameter.Type.IsValueType && parameter.Type.OriginalDefinition.SpecialType != SpecialType.System_Nullable_T
                    || parameter.Type.IsReferenceType && parameter.NullableAnnotation == NullableAnnotation.NotAnnotated)
                {
                    Report($"expects a non-null '{parameter.Type.ToDisplayString()}' for '{parameter.Name}', but null is passed", values[i].Syntax.GetLocation());
                    return;
                }
                continue;
            }
            if (value.Type is { } type && PayloadTypes.AreIncompatible(type, parameter.Type, invocation.SemanticModel!.Compilation))
            {
                Report($"expects '{parameter.Type.ToDisplayString()}' for '{parameter.Name}', but '{type.ToDisplayString()}' is passed", values[i].Syntax.GetLocation());
                return;
            }
        }

        void Report(string problem, Location? at = null) =>
            context.ReportDiagnostic(Diagnostic.Create(TypedIoDiagnostics.EmitArgumentsMismatch, at ?? location, declared.WireName, hub.Hub.Name, problem));
    }

    /// <summary>The values of the <c>args</c> array when the call spells them out, or null.</summary>
    private static IReadOnlyList<IOperation>? ValuesOf(IOperation args)
    {
        args = Unwrap(args);
        return args switch
        {
            IArrayCreationOperation { Initializer: { } initializer } => initializer.ElementValues,
            IArrayCreationOperation { DimensionSizes.Length: 1 } empty when empty.DimensionSizes[0].ConstantValue is { HasValue: true, Value: 0 } => [],
            ICollectionExpressionOperation collection when collection.Elements.All(e => e is not ISpreadOperation) => collection.Elements,
            _ => null,
        };
    }

    private static IOperation Unwrap(IOperation operation)
    {
        while (operation is IConversionOperation { IsImplicit: true } or IConversionOperation { Type.SpecialType: SpecialType.System_Object })
            operation = ((IConversionOperation)operation).Operand;
        return operation;
    }
}
