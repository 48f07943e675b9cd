using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace TypedIo.Analyzers.Contracts;

/// <summary>
/// The hubs declared in the compilation, found once (lazily) per compilation: by class, by the namespace they serve,
/// and the set of contract interfaces. Thread-safe; the analyzers run concurrently.
/// </summary>
internal sealed class HubIndex
{
    private readonly TypedIoSymbols _symbols;
    private readonly Dictionary<INamedTypeSymbol, HubContract?> _byClass = new(SymbolEqualityComparer.Default);
    private Snapshot? _snapshot;

    public HubIndex(TypedIoSymbols symbols)
    {
        _symbols = symbols;
    }

    public TypedIoSymbols Symbols => _symbols;

    /// <summary>The contract of the hub class <paramref name="hub"/> (null when it is not a usable hub).</summary>
    public HubContract? ForClass(INamedTypeSymbol hub)
    {
        lock (_byClass)
        {
            if (!_byClass.TryGetValue(hub, out var contract))
            {
                contract = HubContract.Read(hub, _symbols);
                _byClass.Add(hub, contract);
            }
            return contract;
        }
    }

    /// <summary>The one hub serving the namespace <paramref name="path"/>, or null (none, or several).</summary>
    public HubContract? ForNamespace(string path)
    {
        var byPath = Get().ByPath;
        return byPath.TryGetValue(path, out var contract) ? contract : null;
    }

    /// <summary>Whether <paramref name="type"/> is a contract interface of a hub in the compilation.</summary>
    public bool IsContractInterface(INamedTypeSymbol type) => Get().Contracts.Contains(type);

    private Snapshot Get()
    {
        var snapshot = Volatile.Read(ref _snapshot);
        if (snapshot is not null)
            return snapshot;
        snapshot = Build();
        return Interlocked.CompareExchange(ref _snapshot, snapshot, null) ?? snapshot;
    }

    private Snapshot Build()
    {
        var byPath = new Dictionary<string, HubContract?>(System.StringComparer.Ordinal);
        var contracts = new HashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default);
        var stack = new Stack<INamespaceOrTypeSymbol>();
        stack.Push(_symbols.Compilation.Assembly.GlobalNamespace);
        while (stack.Count > 0)
        {
            var current = stack.Pop();
            if (current is INamespaceSymbol ns)
            {
                foreach (var member in ns.GetMembers())
                    stack.Push(member);
                continue;
            }
            if (current is not INamedTypeSymbol { TypeKind: TypeKind.Class } type || !_symbols.IsHubClass(type))
                continue;
            if (ForClass(type) is not { } contract)
                continue;
            foreach (var contractInterface in contract.ContractInterfaces(_symbols))
                contracts.Add(contractInterface);
            if (contract.Path is { } path)
                byPath[path] = byPath.ContainsKey(path) ? null : contract; // two hubs for one namespace: tie to neither
        }
        return new Snapshot(byPath, contracts);
    }

    private sealed class Snapshot(Dictionary<string, HubContract?> byPath, HashSet<INamedTypeSymbol> contracts)
    {
        public Dictionary<string, HubContract?> ByPath { get; } = byPath;

        public HashSet<INamedTypeSymbol> Contracts { get; } = contracts;
    }
}
