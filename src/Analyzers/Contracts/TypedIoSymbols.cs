using Microsoft.CodeAnalysis;

namespace TypedIo.Analyzers.Contracts;

/// <summary>The TypedIo and framework types the analyzers compare against, looked up once per compilation.</summary>
internal sealed class TypedIoSymbols
{
    private TypedIoSymbols(Compilation compilation, INamedTypeSymbol socketHubOfT)
    {
        Compilation = compilation;
        SocketHubOfT = socketHubOfT;
        SocketHub = compilation.GetTypeByMetadataName("TypedIo.SocketHub");
        SocketHubAttribute = compilation.GetTypeByMetadataName("TypedIo.SocketHubAttribute");
        EventAttribute = compilation.GetTypeByMetadataName("TypedIo.EventAttribute");
        HubCallerContext = compilation.GetTypeByMetadataName("TypedIo.HubCallerContext");
        SocketHubContext = compilation.GetTypeByMetadataName("TypedIo.SocketHubContext`2");
        Socket = compilation.GetTypeByMetadataName("TypedIo.SocketIo.Socket");
        Namespace = compilation.GetTypeByMetadataName("TypedIo.SocketIo.Namespace");
        SocketIoServer = compilation.GetTypeByMetadataName("TypedIo.SocketIo.SocketIoServer");
        ParentNamespace = compilation.GetTypeByMetadataName("TypedIo.SocketIo.ParentNamespace");
        BroadcastOperator = compilation.GetTypeByMetadataName("TypedIo.SocketIo.BroadcastOperator");
        RemoteSocket = compilation.GetTypeByMetadataName("TypedIo.SocketIo.RemoteSocket");
        SocketArgs = compilation.GetTypeByMetadataName("TypedIo.SocketIo.SocketArgs");
        CancellationToken = compilation.GetTypeByMetadataName("System.Threading.CancellationToken");
        Task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
        TaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1");
        ValueTask = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask");
        ValueTaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask`1");
        IDisposable = compilation.GetSpecialType(SpecialType.System_IDisposable);
        IAsyncDisposable = compilation.GetTypeByMetadataName("System.IAsyncDisposable");
    }

    /// <summary>The symbols, or null when the compilation does not reference TypedIo.</summary>
    public static TypedIoSymbols? Create(Compilation compilation) =>
        compilation.GetTypeByMetadataName("TypedIo.SocketHub`1") is { } socketHubOfT ? new TypedIoSymbols(compilation, socketHubOfT) : null;

    public Compilation Compilation { get; }
    public INamedTypeSymbol SocketHubOfT { get; }
    public INamedTypeSymbol? SocketHub { get; }
    public INamedTypeSymbol? SocketHubAttribute { get; }
    public INamedTypeSymbol? EventAttribute { get; }
    public INamedTypeSymbol? HubCallerContext { get; }
    public INamedTypeSymbol? SocketHubContext { get; }
    public INamedTypeSymbol? Socket { get; }
    public INamedTypeSymbol? Namespace { get; }
    public INamedTypeSymbol? SocketIoServer { get; }
    public INamedTypeSymbol? ParentNamespace { get; }
    public INamedTypeSymbol? BroadcastOperator { get; }
    public INamedTypeSymbol? RemoteSocket { get; }
    public INamedTypeSymbol? SocketArgs { get; }
    public INamedTypeSymbol? CancellationToken { get; }
    public INamedTypeSymbol? Task { get; }
    public INamedTypeSymbol? TaskOfT { get; }
    public INamedTypeSymbol? ValueTask { get; }
    public INamedTypeSymbol? ValueTaskOfT { get; }
    public INamedTypeSymbol IDisposable { get; }
    public INamedTypeSymbol? IAsyncDisposable { get; }

    public static bool Is(ITypeSymbol? type, INamedTypeSymbol? expected) =>
        expected is not null && SymbolEqualityComparer.Default.Equals(type?.OriginalDefinition, expected);

    /// <summary>
    /// Whether a contract parameter takes every remaining argument: <c>params</c>, or <c>SocketArgs</c> (the received
    /// arguments as they came).
    /// </summary>
    public bool IsRest(IParameterSymbol parameter) => parameter.IsParams || Is(parameter.Type, SocketArgs);

    /// <summary>Whether <paramref name="type"/> is marked <c>[SocketHub]</c>.</summary>
    public bool IsHubClass(INamedTypeSymbol type)
    {
        foreach (var attribute in type.GetAttributes())
        {
            if (Is(attribute.AttributeClass, SocketHubAttribute))
                return true;
        }
        return false;
    }

    /// <summary>Whether <paramref name="type"/> derives from <c>SocketHub</c> (a hub, partial or not, marked or not).</summary>
    public bool DerivesFromSocketHub(INamedTypeSymbol? type)
    {
        for (var current = type?.BaseType; current is not null; current = current.BaseType)
        {
            if (Is(current, SocketHub))
                return true;
        }
        return false;
    }
}
