using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using TypedIo.Generators.Parsing;

namespace TypedIo.Analyzers.Contracts;

/// <summary>
/// The events of one <c>[SocketHub]</c> class, read as the generator reads them: client to server from the interfaces
/// the hub implements, server to client from the <c>TClient</c> of <c>SocketHub&lt;TClient&gt;</c>.
/// </summary>
internal sealed class HubContract
{
    private HubContract(INamedTypeSymbol hub, INamedTypeSymbol client, string? path, ImmutableArray<ContractEvent> incoming, ImmutableArray<ContractEvent> outgoing)
    {
        Hub = hub;
        Client = client;
        Path = path;
        Incoming = incoming;
        Outgoing = outgoing;
    }

    public INamedTypeSymbol Hub { get; }

    /// <summary>The server-to-client interface.</summary>
    public INamedTypeSymbol Client { get; }

    /// <summary>The namespace served, or null for a hub of a namespace pattern.</summary>
    public string? Path { get; }

    /// <summary>Client-to-server events (what <c>On</c>/<c>Once</c> listen to).</summary>
    public ImmutableArray<ContractEvent> Incoming { get; }

    /// <summary>Server-to-client events (what <c>Emit*</c> send).</summary>
    public ImmutableArray<ContractEvent> Outgoing { get; }

    public ImmutableArray<ContractEvent> Events(bool incoming) => incoming ? Incoming : Outgoing;

    /// <summary>The contract of <paramref name="hub"/>, or null when it is not a hub with a client contract.</summary>
    public static HubContract? Read(INamedTypeSymbol hub, TypedIoSymbols symbols)
    {
        AttributeData? marker = null;
        foreach (var attribute in hub.GetAttributes())
        {
            if (TypedIoSymbols.Is(attribute.AttributeClass, symbols.SocketHubAttribute))
                marker = attribute;
        }
        if (marker is null)
            return null;

        INamedTypeSymbol? client = null;
        for (var type = hub.BaseType; type is not null; type = type.BaseType)
        {
            if (TypedIoSymbols.Is(type, symbols.SocketHubOfT))
            {
                client = type.TypeArguments[0] as INamedTypeSymbol;
                break;
            }
        }
        if (client is not { TypeKind: TypeKind.Interface })
            return null;

        var incoming = hub.Interfaces.Where(i => IsIncomingContract(i, symbols)).ToList();
        return new HubContract(hub, client, ReadPath(marker), ReadEvents(incoming, symbols), ReadEvents([client], symbols));
    }

    /// <summary>The interfaces whose methods are events (the contracts and the interfaces they extend).</summary>
    public IEnumerable<INamedTypeSymbol> ContractInterfaces(TypedIoSymbols symbols)
    {
        foreach (var contract in Hub.Interfaces.Where(i => IsIncomingContract(i, symbols)).Concat([Client]))
        {
            yield return contract;
            foreach (var inherited in contract.AllInterfaces)
                yield return inherited;
        }
    }

    private static bool IsIncomingContract(INamedTypeSymbol contract, TypedIoSymbols symbols) =>
        !SymbolEqualityComparer.Default.Equals(contract, symbols.IDisposable)
        && !SymbolEqualityComparer.Default.Equals(contract, symbols.IAsyncDisposable)
        && contract.ContainingAssembly?.Name != "TypedIo";

    private static string? ReadPath(AttributeData marker)
    {
        foreach (var named in marker.NamedArguments)
        {
            if (named.Key == "NamespacePattern" && named.Value.Value is string)
                return null;
        }
        return marker.ConstructorArguments.Length == 1 ? marker.ConstructorArguments[0].Value as string : "/";
    }

    private static ImmutableArray<ContractEvent> ReadEvents(IEnumerable<INamedTypeSymbol> contracts, TypedIoSymbols symbols)
    {
        var events = ImmutableArray.CreateBuilder<ContractEvent>();
        var seen = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
        foreach (var contract in contracts)
        {
            foreach (var member in new[] { contract }.Concat(contract.AllInterfaces).SelectMany(i => i.GetMembers()))
            {
                if (member is IMethodSymbol { MethodKind: MethodKind.Ordinary, IsStatic: false, IsAbstract: true } method && seen.Add(method))
                    events.Add(new ContractEvent(WireName(method, symbols), method));
            }
        }
        return events.ToImmutable();
    }

    /// <summary>The wire name: <c>[Event("...")]</c>, or the method name in camelCase.</summary>
    public static string WireName(IMethodSymbol method, TypedIoSymbols symbols)
    {
        foreach (var attribute in method.GetAttributes())
        {
            if (TypedIoSymbols.Is(attribute.AttributeClass, symbols.EventAttribute) && attribute.ConstructorArguments.Length == 1)
                return attribute.ConstructorArguments[0].Value as string ?? "";
        }
        return WireNames.FromMethodName(method.Name);
    }

    public static bool IsReserved(string name) => Array.IndexOf(WireNames.Reserved, name) >= 0;
}
