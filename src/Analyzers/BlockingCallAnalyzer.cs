using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using TypedIo.Analyzers.Contracts;
using TypedIo.CodeAnalysis;

namespace TypedIo.Analyzers;

/// <summary>
/// TIO024: <c>.Result</c>, <c>.Wait()</c>, <c>.GetAwaiter().GetResult()</c>, <c>Task.WaitAll/WaitAny</c> on a task in a
/// hub (a class deriving from <c>SocketHub</c>): the handler holds a thread-pool thread while it waits, and under load the
/// server starves.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class BlockingCallAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [TypedIoDiagnostics.BlockingCallInHub];

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (TypedIoSymbols.Create(start.Compilation) is not { SocketHub: not null } symbols)
                return;
            start.RegisterOperationAction(c => AnalyzeProperty(c, symbols), OperationKind.PropertyReference);
            start.RegisterOperationAction(c => AnalyzeInvocation(c, symbols), OperationKind.Invocation);
        });
    }

    private static bool InHub(OperationAnalysisContext context, TypedIoSymbols symbols) =>
        symbols.DerivesFromSocketHub(context.ContainingSymbol.ContainingType);

    private static bool IsTask(ITypeSymbol? type, TypedIoSymbols symbols) =>
        TypedIoSymbols.Is(type, symbols.Task) || TypedIoSymbols.Is(type, symbols.TaskOfT)
        || TypedIoSymbols.Is(type, symbols.ValueTask) || TypedIoSymbols.Is(type, symbols.ValueTaskOfT);

    private static void AnalyzeProperty(OperationAnalysisContext context, TypedIoSymbols symbols)
    {
        var property = (IPropertyReferenceOperation)context.Operation;
        if (property.Property.Name == "Result" && IsTask(property.Property.ContainingType, symbols) && InHub(context, symbols)
            && property.Parent is not INameOfOperation)
            context.ReportDiagnostic(Diagnostic.Create(TypedIoDiagnostics.BlockingCallInHub, property.Syntax.GetLocation(), ".Result"));
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context, TypedIoSymbols symbols)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod;
        string? blocking = method.Name switch
        {
            "Wait" when IsTask(method.ContainingType, symbols) && !method.IsStatic => ".Wait()",
            "WaitAll" or "WaitAny" when TypedIoSymbols.Is(method.ContainingType, symbols.Task) => $"Task.{method.Name}()",
            "GetResult" when invocation.Instance is IInvocationOperation { TargetMethod.Name: "GetAwaiter" } awaiter
                && IsTask(awaiter.TargetMethod.ContainingType, symbols) => ".GetAwaiter().GetResult()",
            _ => null,
        };
        if (blocking is not null && InHub(context, symbols))
            context.ReportDiagnostic(Diagnostic.Create(TypedIoDiagnostics.BlockingCallInHub, invocation.Syntax.GetLocation(), blocking));
    }
}
