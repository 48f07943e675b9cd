using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace TypedIo.Analyzers.Contracts;

/// <summary>
/// Ties the receiver of an untyped call (a <c>Socket</c>, <c>BroadcastOperator</c>, <c>Namespace</c>...) to the hub
/// whose namespace it targets, by following what the code says and nothing more:
/// <list type="bullet">
/// <item><c>Context.Socket</c> in a <c>[SocketHub]</c> class: that hub;</item>
/// <item><c>io.Of("/chat")</c> with a string literal, <c>io.Sockets</c>, <c>io.To(..)</c>, <c>io</c> itself (namespace <c>/</c>):
/// the hub serving that namespace in the compilation (not a pattern hub);</item>
/// <item><c>hubContext.Namespace</c> of a generated <c>XHubContext</c>: hub X;</item>
/// <item>through <c>Broadcast</c>, <c>Namespace</c>, <c>All</c>, <c>Local</c>, <c>Volatile</c>, <c>To</c>, <c>In</c>,
/// <c>Except</c>, <c>Compress</c>; a local assigned once; the socket parameter of a lambda given to <c>OnConnection</c>.</item>
/// </list>
/// Anything else (a parameter, a field, a computed namespace name) ties to no hub, and nothing is reported.
/// </summary>
internal static class HubResolver
{
    private const int MaxDepth = 12;

    public static HubContract? Resolve(IOperation? receiver, HubIndex index) => Resolve(receiver, index, 0);

    private static HubContract? Resolve(IOperation? operation, HubIndex index, int depth)
    {
        if (operation is null || depth > MaxDepth)
            return null;
        var symbols = index.Symbols;
        if (TypedIoSymbols.Is(operation.Type, symbols.SocketIoServer))
            return index.ForNamespace("/"); // io itself: io.EmitAsync(...), io.To(..) emit to "/"
        switch (operation)
        {
            case IConversionOperation conversion:
                return Resolve(conversion.Operand, index, depth + 1);
            case IParenthesizedOperation parenthesized:
                return Resolve(parenthesized.Operand, index, depth + 1);

            case IPropertyReferenceOperation property:
            {
                var owner = property.Property.ContainingType;
                var name = property.Property.Name;
                if (TypedIoSymbols.Is(owner, symbols.HubCallerContext) && name == "Socket")
                    return ResolveContext(property.Instance, index);
                if (TypedIoSymbols.Is(owner, symbols.SocketIoServer) && name == "Sockets")
                    return index.ForNamespace("/");
                if (TypedIoSymbols.Is(owner, symbols.SocketHubContext) && name == "Namespace")
                    return ResolveHubContext(property.Instance?.Type, index);
                if (IsChainType(owner, symbols) && name is "Broadcast" or "Namespace" or "All" or "Local" or "Volatile")
                    return Resolve(property.Instance, index, depth + 1);
                return null;
            }

            case IInvocationOperation invocation:
            {
                var owner = invocation.TargetMethod.ContainingType;
                var name = invocation.TargetMethod.Name;
                if (TypedIoSymbols.Is(owner, symbols.SocketIoServer))
                {
                    if (name == "Of" && invocation.Arguments.Length == 1
                        && invocation.Arguments[0].Value is ILiteralOperation { ConstantValue: { HasValue: true, Value: string path } })
                        return index.ForNamespace(path);
                    return name == "To" ? index.ForNamespace("/") : null;
                }
                if (IsChainType(owner, symbols) && name is "To" or "In" or "Except" or "Compress")
                    return Resolve(invocation.Instance, index, depth + 1);
                return null;
            }

            case ILocalReferenceOperation local:
                return ResolveLocal(local, index, depth);

            case IParameterReferenceOperation parameter:
                return ResolveConnectionParameter(parameter, index, depth);

            default:
                return null;
        }
    }

    private static bool IsChainType(INamedTypeSymbol owner, TypedIoSymbols symbols) =>
        TypedIoSymbols.Is(owner, symbols.Socket) || TypedIoSymbols.Is(owner, symbols.BroadcastOperator) || TypedIoSymbols.Is(owner, symbols.Namespace);

    /// <summary><c>Context</c> (or <c>this.Context</c>, <c>hub.Context</c>) of a hub class.</summary>
    private static HubContract? ResolveContext(IOperation? context, HubIndex index)
    {
        if (context is IPropertyReferenceOperation { Property.Name: "Context" } property
            && TypedIoSymbols.Is(property.Property.ContainingType, index.Symbols.SocketHub)
            && property.Instance?.Type is INamedTypeSymbol hub
            && index.Symbols.IsHubClass(hub))
            return index.ForClass(hub);
        return null;
    }

    /// <summary><c>SocketHubContext&lt;X.ClientProxy, X.BroadcastProxy&gt;</c>: hub X.</summary>
    private static HubContract? ResolveHubContext(ITypeSymbol? type, HubIndex index)
    {
        for (var current = type as INamedTypeSymbol; current is not null; current = current.BaseType)
        {
            if (TypedIoSymbols.Is(current, index.Symbols.SocketHubContext))
                return current.TypeArguments[0].ContainingType is { } hub && index.Symbols.IsHubClass(hub) ? index.ForClass(hub) : null;
        }
        return null;
    }

    /// <summary>A local declared with an initializer and never assigned again: its initializer.</summary>
    private static HubContract? ResolveLocal(ILocalReferenceOperation local, HubIndex index, int depth)
    {
        if (local.SemanticModel is not { } model
            || local.Local.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() is not VariableDeclaratorSyntax { Initializer.Value: { } initializer } declarator
            || declarator.SyntaxTree != model.SyntaxTree)
            return null;
        var scope = declarator.FirstAncestorOrSelf<BlockSyntax>() ?? (SyntaxNode?)declarator.FirstAncestorOrSelf<MemberDeclarationSyntax>();
        if (scope is null || IsWrittenAgain(scope, local.Local, model))
            return null;
        return Resolve(model.GetOperation(initializer), index, depth + 1);
    }

    private static bool IsWrittenAgain(SyntaxNode scope, ILocalSymbol local, SemanticModel model)
    {
        foreach (var identifier in scope.DescendantNodes().OfType<IdentifierNameSyntax>())
        {
            if (identifier.Identifier.ValueText != local.Name)
                continue;
            var written = identifier.Parent switch
            {
                AssignmentExpressionSyntax assignment => assignment.Left == identifier,
                ArgumentSyntax argument => !argument.RefKindKeyword.IsKind(SyntaxKind.None),
                PrefixUnaryExpressionSyntax or PostfixUnaryExpressionSyntax => true,
                RefExpressionSyntax => true,
                _ => false,
            };
            if (written && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(identifier).Symbol, local))
                return true;
        }
        return false;
    }

    /// <summary>The socket of <c>ns.OnConnection(socket => ...)</c>: the hub of <c>ns</c>.</summary>
    private static HubContract? ResolveConnectionParameter(IParameterReferenceOperation parameter, HubIndex index, int depth)
    {
        if (parameter.SemanticModel is not { } model
            || parameter.Parameter.ContainingSymbol is not IMethodSymbol { MethodKind: MethodKind.AnonymousFunction } lambda
            || !TypedIoSymbols.Is(parameter.Parameter.Type, index.Symbols.Socket)
            || lambda.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() is not { } lambdaSyntax
            || lambdaSyntax.SyntaxTree != model.SyntaxTree
            || lambdaSyntax.Parent is not ArgumentSyntax { Parent.Parent: InvocationExpressionSyntax call })
            return null;
        if (model.GetOperation(call) is not IInvocationOperation { TargetMethod.Name: "OnConnection" } onConnection
            || !TypedIoSymbols.Is(onConnection.TargetMethod.ContainingType, index.Symbols.Namespace))
            return null;
        return Resolve(onConnection.Instance, index, depth + 1);
    }
}
