using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using TypedIo.Generators.Model;
using TypedIo.Generators.TypeScript;
using TypedIo.CodeAnalysis;

namespace TypedIo.Generators.Parsing;

/// <summary>Turns a <c>[SocketHub]</c> class into a <see cref="HubSpec"/> and diagnostics. Symbols stay in here.</summary>
internal static class HubParser
{
    private const string SocketHubMetadataName = "TypedIo.SocketHub`1";
    private const string EventAttributeMetadataName = "TypedIo.EventAttribute";
    private const string AuthorizeDataMetadataName = "Microsoft.AspNetCore.Authorization.IAuthorizeData";
    private const string AllowAnonymousMetadataName = "Microsoft.AspNetCore.Authorization.IAllowAnonymous";
    private const string SocketArgsMetadataName = "TypedIo.SocketIo.SocketArgs";

    /// <summary>The C# type of a parameter taking the received arguments as they came.</summary>
    internal const string SocketArgsType = "global::TypedIo.SocketIo.SocketArgs";

    public static HubParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        var hub = (INamedTypeSymbol)context.TargetSymbol;
        var syntax = (ClassDeclarationSyntax)context.TargetNode;
        var compilation = context.SemanticModel.Compilation;
        var diagnostics = new List<DiagnosticInfo>();
        var location = syntax.Identifier.GetLocation();

        if (!syntax.Modifiers.Any(SyntaxKind.PartialKeyword))
            diagnostics.Add(DiagnosticInfo.Create(TypedIoDiagnostics.HubNotPartial, location, hub.Name));
        if (hub.ContainingType is not null || hub.IsGenericType || hub.IsAbstract || hub.IsStatic)
            diagnostics.Add(DiagnosticInfo.Create(TypedIoDiagnostics.HubShapeUnsupported, location, hub.Name));

        var clientContract = FindClientContract(hub, compilation);
        if (clientContract is null)
            diagnostics.Add(DiagnosticInfo.Create(TypedIoDiagnostics.HubWithoutClientContract, location, hub.Name));

        var (path, pattern) = ReadAttribute(context.Attributes[0]);
        var namespaceProblem = pattern is null ? CheckNamespace(path) : CheckPattern(pattern);
        if (namespaceProblem is not null)
            diagnostics.Add(DiagnosticInfo.Create(TypedIoDiagnostics.InvalidNamespace, location, hub.Name, pattern ?? path, namespaceProblem));

        if (diagnostics.Count > 0 || clientContract is null)
            return new HubParseResult(null, diagnostics.ToEquatableArray());

        cancellationToken.ThrowIfCancellationRequested();
        var jsonOptions = JsonContext(context.Attributes[0]) is { } jsonContext ? JsonWireOptions.FromContext(jsonContext) : JsonWireOptions.Default;
        var schemas = new AsyncApi.JsonSchemaMapper(compilation, jsonOptions);
        var mapper = new TypeScriptTypeMapper(compilation, jsonOptions, schemas);
        var eventAttribute = compilation.GetTypeByMetadataName(EventAttributeMetadataName);
        var incomingInterfaces = IncomingInterfaces(hub, compilation).ToList();
        var incomingName = string.Join(", ", incomingInterfaces.Select(i => i.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)));
        var nullChecks = new NullChecks(compilation, jsonOptions);
        var incoming = ParseContract(incomingInterfaces, incomingName, "client to server", hub, eventAttribute, mapper, nullChecks, compilation, diagnostics, cancellationToken);
        var outgoing = ParseContract([clientContract], clientContract.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat), "server to client", null, eventAttribute, mapper, null, compilation, diagnostics, cancellationToken);
        CheckEmitterMembers(clientContract, outgoing, diagnostics);
        diagnostics.AddRange(mapper.Diagnostics);
        if (diagnostics.Any(d => d.Descriptor.DefaultSeverity == DiagnosticSeverity.Error))
            return new HubParseResult(null, diagnostics.ToEquatableArray());

        var spec = new HubSpec(
            hub.ContainingNamespace.IsGlobalNamespace ? "" : hub.ContainingNamespace.ToDisplayString(),
            hub.Name,
            hub.DeclaredAccessibility == Accessibility.Public ? "public" : "internal",
            pattern is null ? path : null,
            pattern,
            TypeScriptPrefix(hub.Name),
            incoming,
            outgoing,
            mapper.Declarations)
        {
            Authorization = ReadAuthorization(HubAttributes(hub, compilation), compilation),
            NullChecks = nullChecks.Methods,
            Schemas = schemas.Schemas,
        };
        return new HubParseResult(spec, diagnostics.ToEquatableArray());
    }

    /// <summary>Members of ClientProxy&lt;T&gt; and BroadcastProxy&lt;T&gt; (and object) that an event method must not hide.</summary>
    private static readonly string[] EmitterMembers =
    [
        "To", "Except", "Local", "Volatile", "Compress", "WithTimeout", "Target", "Socket", "AckTimeout",
        "EmitAsync", "InvokeAsync", "Equals", "GetHashCode", "ToString", "GetType", "MemberwiseClone", "Finalize",
    ];

    private static void CheckEmitterMembers(INamedTypeSymbol clientContract, ContractSpec outgoing, List<DiagnosticInfo> diagnostics)
    {
        foreach (var e in outgoing.Events)
        {
            if (Array.IndexOf(EmitterMembers, e.MethodName) < 0)
                continue;
            var location = clientContract.GetMembers(e.MethodName).FirstOrDefault()?.Locations.FirstOrDefault();
            diagnostics.Add(DiagnosticInfo.Create(TypedIoDiagnostics.EmitterMemberClash, location, $"{clientContract.Name}.{e.MethodName}", string.Join(", ", EmitterMembers.Take(11)), e.WireName));
        }
    }

    private static INamedTypeSymbol? FindClientContract(INamedTypeSymbol hub, Compilation compilation)
    {
        var socketHub = compilation.GetTypeByMetadataName(SocketHubMetadataName);
        for (var type = hub.BaseType; type is not null; type = type.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, socketHub))
                return type.TypeArguments[0] is INamedTypeSymbol { TypeKind: TypeKind.Interface } client ? client : null;
        }
        return null;
    }

    /// <summary>The client-to-server contracts: the interfaces the hub declares, except disposal and TypedIo's own.</summary>
    private static IEnumerable<INamedTypeSymbol> IncomingInterfaces(INamedTypeSymbol hub, Compilation compilation)
    {
        var ignored = new[]
        {
            compilation.GetSpecialType(SpecialType.System_IDisposable),
            compilation.GetTypeByMetadataName("System.IAsyncDisposable"),
        };
        foreach (var contract in hub.Interfaces)
        {
            if (ignored.Any(i => SymbolEqualityComparer.Default.Equals(i, contract)))
                continue;
            if (contract.ContainingAssembly?.Name == "TypedIo")
                continue; // the runtime's own interfaces (the generated ones among them)
            yield return contract;
        }
    }

    private static ContractSpec ParseContract(
        IEnumerable<INamedTypeSymbol> contracts,
        string displayName,
        string direction,
        INamedTypeSymbol? implementer,
        INamedTypeSymbol? eventAttribute,
        TypeScriptTypeMapper mapper,
        NullChecks? nullChecks,
        Compilation compilation,
        List<DiagnosticInfo> diagnostics,
        CancellationToken cancellationToken)
    {
        var events = new List<EventSpec>();
        var byWireName = new Dictionary<string, string>(StringComparer.Ordinal);
        var seen = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
        foreach (var contract in contracts)
        {
            foreach (var member in new[] { contract }.Concat(contract.AllInterfaces).SelectMany(i => i.GetMembers()))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (member is not IMethodSymbol method || method.MethodKind != MethodKind.Ordinary || method.IsStatic || !method.IsAbstract)
                {
                    if (member is IMethodSymbol { MethodKind: MethodKind.PropertyGet or MethodKind.PropertySet or MethodKind.EventAdd or MethodKind.EventRemove })
                        continue;
                    if (member.IsAbstract || member.IsStatic)
                        diagnostics.Add(DiagnosticInfo.Create(TypedIoDiagnostics.NonContractMember, member.Locations.FirstOrDefault(), $"{member.ContainingType.Name}.{member.Name}"));
                    continue;
                }
                if (!seen.Add(method))
                    continue;
                var spec = ParseEvent(method, eventAttribute, mapper, nullChecks, compilation, diagnostics);
                if (spec is null)
                    continue;
                if (implementer is not null)
                {
                    var attributes = method.GetAttributes().AsEnumerable();
                    if (implementer.FindImplementationForInterfaceMember(method) is IMethodSymbol implementation)
                        attributes = attributes.Concat(implementation.GetAttributes());
                    spec = spec with { Authorization = ReadAuthorization(attributes, compilation) };
                }
                var qualified = $"{method.ContainingType.Name}.{method.Name}";
                if (byWireName.TryGetValue(spec.WireName, out var other))
                {
                    diagnostics.Add(DiagnosticInfo.Create(TypedIoDiagnostics.DuplicateEventName, method.Locations.FirstOrDefault(), other, qualified, spec.WireName, direction));
                    continue;
                }
                byWireName.Add(spec.WireName, qualified);
                events.Add(spec);
            }
        }
        return new ContractSpec(displayName, events.ToEquatableArray());
    }

    private static EventSpec? ParseEvent(IMethodSymbol method, INamedTypeSymbol? eventAttribute, TypeScriptTypeMapper mapper, NullChecks? nullChecks, Compilation compilation, List<DiagnosticInfo> diagnostics)
    {
        var location = method.Locations.FirstOrDefault();
        var qualified = $"{method.ContainingType.Name}.{method.Name}";
        var ok = true;

        if (method.IsGenericMethod)
        {
            diagnostics.Add(DiagnosticInfo.Create(TypedIoDiagnostics.GenericEventMethod, location, qualified));
            ok = false;
        }

        var wireName = WireNames.FromMethodName(method.Name);
        foreach (var attribute in method.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, eventAttribute)
                && attribute.ConstructorArguments.Length == 1)
                wireName = attribute.ConstructorArguments[0].Value as string ?? "";
        }
        var nameProblem = string.IsNullOrWhiteSpace(wireName) ? "is empty"
            : Array.IndexOf(WireNames.Reserved, wireName) >= 0 ? "is reserved by Socket.IO"
            : null;
        if (nameProblem is not null)
        {
            diagnostics.Add(DiagnosticInfo.Create(TypedIoDiagnostics.InvalidEventName, location, qualified, wireName, nameProblem));
            ok = false;
        }

        var (returnsValueTask, ackType, returnOk) = ReadReturnType(method.ReturnType, compilation);
        if (!returnOk)
        {
            diagnostics.Add(DiagnosticInfo.Create(TypedIoDiagnostics.UnsupportedReturnType, location, qualified, method.ReturnType.ToDisplayString()));
            ok = false;
        }

        var cancellationTokenType = compilation.GetTypeByMetadataName("System.Threading.CancellationToken");
        var jsonNode = compilation.GetTypeByMetadataName("System.Text.Json.Nodes.JsonNode");
        var socketArgs = compilation.GetTypeByMetadataName(SocketArgsMetadataName);
        var lastWire = method.Parameters.Length - (method.Parameters.Length > 0 && SymbolEqualityComparer.Default.Equals(method.Parameters[method.Parameters.Length - 1].Type, cancellationTokenType) ? 2 : 1);
        var parameters = new List<ParameterSpec>();
        var hasCancellationToken = false;
        for (var i = 0; i < method.Parameters.Length; i++)
        {
            var parameter = method.Parameters[i];
            var parameterLocation = parameter.Locations.FirstOrDefault() ?? location;
            if (SymbolEqualityComparer.Default.Equals(parameter.Type, cancellationTokenType))
            {
                if (i != method.Parameters.Length - 1)
                {
                    diagnostics.Add(DiagnosticInfo.Create(TypedIoDiagnostics.MisplacedCancellationToken, parameterLocation, qualified));
                    ok = false;
                }
                hasCancellationToken = true;
                continue;
            }
            if (parameter.RefKind != RefKind.None)
            {
                diagnostics.Add(DiagnosticInfo.Create(TypedIoDiagnostics.UnsupportedParameter, parameterLocation, parameter.Name, qualified, "ref, out and in parameters cannot travel"));
                ok = false;
                continue;
            }
            if (socketArgs is not null && SymbolEqualityComparer.Default.Equals(parameter.Type.OriginalDefinition, socketArgs))
            {
                // The received arguments as they came: every remaining one, like a params parameter.
                if (i != lastWire)
                {
                    diagnostics.Add(DiagnosticInfo.Create(TypedIoDiagnostics.UnsupportedParameter, parameterLocation, parameter.Name, qualified, "a SocketArgs parameter takes every remaining argument: it must be the last one (before a CancellationToken)"));
                    ok = false;
                    continue;
                }
                parameters.Add(new ParameterSpec(parameter.Name, new TypeRefSpec(SocketArgsType, false, "unknown[]", "unknown[]"), IsRest: true));
                continue;
            }
            if (parameter.IsParams)
            {
                var element = (parameter.Type as IArrayTypeSymbol)?.ElementType;
                var isNodes = SymbolEqualityComparer.Default.Equals(element, jsonNode);
                var isRaw = element?.SpecialType == SpecialType.System_Object;
                if (!isNodes && !isRaw)
                {
                    diagnostics.Add(DiagnosticInfo.Create(TypedIoDiagnostics.UnsupportedParameter, parameterLocation, parameter.Name, qualified, "a params parameter takes every remaining argument: it must be 'params JsonNode?[]' or 'params object?[]'"));
                    ok = false;
                    continue;
                }
                var restType = isNodes ? "global::System.Text.Json.Nodes.JsonNode?[]" : "object?[]";
                parameters.Add(new ParameterSpec(parameter.Name, new TypeRefSpec(restType, false, "unknown[]", "unknown[]"), IsRest: true));
                continue;
            }
            parameters.Add(new ParameterSpec(parameter.Name, mapper.Map(parameter.Type, parameterLocation), IsRest: false)
            {
                NullCheck = nullChecks?.For(parameter.Type),
            });
        }

        TypeRefSpec? ack = ackType is null ? null : mapper.Map(ackType, location);
        return ok
            ? new EventSpec(method.Name, wireName, parameters.ToEquatableArray(), hasCancellationToken, returnsValueTask, ack)
            {
                DeclaringInterface = method.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            }
            : null;
    }

    /// <summary>The hub class's attributes and those of its base classes below <c>SocketHub&lt;T&gt;</c> (authorization attributes are inherited).</summary>
    private static IEnumerable<AttributeData> HubAttributes(INamedTypeSymbol hub, Compilation compilation)
    {
        var socketHub = compilation.GetTypeByMetadataName(SocketHubMetadataName);
        for (var type = hub; type is not null && !SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, socketHub); type = type.BaseType)
        {
            foreach (var attribute in type.GetAttributes())
                yield return attribute;
        }
    }

    /// <summary>The authorization attributes among <paramref name="attributes"/>, as C# text; null when there are none.</summary>
    private static AuthorizationSpec? ReadAuthorization(IEnumerable<AttributeData> attributes, Compilation compilation)
    {
        var authorizeData = compilation.GetTypeByMetadataName(AuthorizeDataMetadataName);
        var allowAnonymous = compilation.GetTypeByMetadataName(AllowAnonymousMetadataName);
        if (authorizeData is null && allowAnonymous is null)
            return null;
        var anonymous = false;
        var authorize = new List<AttributeSpec>();
        foreach (var attribute in attributes)
        {
            if (attribute.AttributeClass is not { } type)
                continue;
            if (allowAnonymous is not null && Implements(type, allowAnonymous))
                anonymous = true;
            if (authorizeData is not null && Implements(type, authorizeData))
            {
                authorize.Add(new AttributeSpec(
                    type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
                    attribute.ConstructorArguments.Select(CSharpConstant).ToEquatableArray(),
                    attribute.NamedArguments.Select(n => $"{n.Key} = {CSharpConstant(n.Value)}").ToEquatableArray()));
            }
        }
        return anonymous || authorize.Count > 0 ? new AuthorizationSpec(anonymous, authorize.ToEquatableArray()) : null;
    }

    private static bool Implements(INamedTypeSymbol type, INamedTypeSymbol @interface) =>
        type.AllInterfaces.Any(i => SymbolEqualityComparer.Default.Equals(i, @interface));

    /// <summary>An attribute argument as a C# expression.</summary>
    private static string CSharpConstant(TypedConstant constant)
    {
        if (constant.IsNull)
            return "null";
        var type = constant.Type?.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) ?? "object";
        switch (constant.Kind)
        {
            case TypedConstantKind.Array:
                return $"new {type} {{ {string.Join(", ", constant.Values.Select(CSharpConstant))} }}";
            case TypedConstantKind.Type:
                return $"typeof({((ITypeSymbol)constant.Value!).ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)})";
            case TypedConstantKind.Enum:
                return $"({type})({SymbolDisplay.FormatPrimitive(constant.Value!, quoteStrings: false, useHexadecimalNumbers: false)})";
            default:
                var literal = SymbolDisplay.FormatPrimitive(constant.Value!, quoteStrings: true, useHexadecimalNumbers: false);
                return constant.Value is string or bool or char or int ? literal : $"({type})({literal})";
        }
    }

    private static (bool ReturnsValueTask, ITypeSymbol? Ack, bool Ok) ReadReturnType(ITypeSymbol returnType, Compilation compilation)
    {
        var task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
        var valueTask = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask");
        var taskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1");
        var valueTaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask`1");
        if (SymbolEqualityComparer.Default.Equals(returnType, task))
            return (false, null, true);
        if (SymbolEqualityComparer.Default.Equals(returnType, valueTask))
            return (true, null, true);
        if (returnType is INamedTypeSymbol { IsGenericType: true } generic)
        {
            if (SymbolEqualityComparer.Default.Equals(generic.OriginalDefinition, taskOfT))
                return (false, generic.TypeArguments[0], true);
            if (SymbolEqualityComparer.Default.Equals(generic.OriginalDefinition, valueTaskOfT))
                return (true, generic.TypeArguments[0], true);
        }
        return (false, null, false);
    }

    /// <summary>The context named by <c>[SocketHub(JsonContext = typeof(...))]</c>, or null.</summary>
    private static INamedTypeSymbol? JsonContext(AttributeData attribute) =>
        attribute.NamedArguments.FirstOrDefault(a => a.Key == "JsonContext").Value.Value as INamedTypeSymbol;

    private static (string Path, string? Pattern) ReadAttribute(AttributeData attribute)
    {
        var path = attribute.ConstructorArguments.Length == 1 ? attribute.ConstructorArguments[0].Value as string ?? "" : "/";
        string? pattern = null;
        foreach (var named in attribute.NamedArguments)
        {
            if (named.Key == "NamespacePattern")
                pattern = named.Value.Value as string;
        }
        return (path, pattern);
    }

    private static string? CheckNamespace(string path) =>
        path.Length == 0 || path[0] != '/' ? "does not start with '/'"
        : path.IndexOf(',') >= 0 ? "contains ',' (the packet format forbids it)"
        : null;

    private static string? CheckPattern(string pattern)
    {
        try
        {
            _ = new System.Text.RegularExpressions.Regex(pattern);
            return null;
        }
        catch (ArgumentException ex)
        {
            return "is not a valid regular expression: " + ex.Message;
        }
    }

    /// <summary><c>ChatHub</c> → <c>Chat</c>: the prefix of the hub's TypeScript interface names.</summary>
    private static string TypeScriptPrefix(string hubName) =>
        hubName.Length > 3 && hubName.EndsWith("Hub", StringComparison.Ordinal) ? hubName.Substring(0, hubName.Length - 3) : hubName;
}
