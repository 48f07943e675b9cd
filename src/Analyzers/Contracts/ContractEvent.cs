using Microsoft.CodeAnalysis;

namespace TypedIo.Analyzers.Contracts;

/// <summary>One event of a contract: its wire name and the interface method declaring it.</summary>
internal sealed class ContractEvent(string wireName, IMethodSymbol method)
{
    public string WireName { get; } = wireName;

    public IMethodSymbol Method { get; } = method;
}
