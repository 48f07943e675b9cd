using Microsoft.CodeAnalysis;
using TypedIo.Generators.Model;
using TypedIo.Generators.Tests.Infrastructure;
using TypedIo.Generators.TypeScript;

namespace TypedIo.Generators.Tests.TypeScript;

/// <summary>
/// What the TypeScript tests need from C#: a compilation of a snippet, the mapper run over one type, and hub specs built
/// from two contract interfaces the way the parser builds them (one mapper per hub, parameters then ack, method by
/// method, the client-to-server contract first), so the emitter is tested without depending on the parser.
/// </summary>
internal static class TsTestHubs
{
    public const string Usings = """
        using System;
        using System.Collections;
        using System.Collections.Generic;
        using System.Collections.Immutable;
        using System.Collections.ObjectModel;
        using System.Text.Json;
        using System.Text.Json.Nodes;
        using System.Text.Json.Serialization;
        using System.Threading;
        using System.Threading.Tasks;
        using TypedIo;

        """;

    /// <summary>Compiles <paramref name="source"/> (after <see cref="Usings"/>); fails the test on a compilation error.</summary>
    public static Compilation Compile(string source)
    {
        var compilation = GeneratorRunner.Compile(Usings + source);
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, "The test source does not compile:\n" + string.Join("\n", errors));
        return compilation;
    }

    /// <summary>Maps the C# type <paramref name="type"/>, with <paramref name="declarations"/> in scope (namespace Probe).</summary>
    public static MappedType Map(string type, string declarations = "")
    {
        var compilation = Compile($$"""
            namespace Probe
            {
            {{declarations}}
                public static class ProbeHost { public static void M({{type}} value) { } }
            }
            """);
        var parameter = compilation.GetTypeByMetadataName("Probe.ProbeHost")!.GetMembers("M").OfType<IMethodSymbol>().Single().Parameters[0];
        var mapper = new TypeScriptTypeMapper(compilation);
        var spec = mapper.Map(parameter.Type, parameter.Locations[0]);
        return new MappedType(spec, mapper.Declarations, mapper.Diagnostics);
    }

    /// <summary>A hub spec from its two contract interfaces (metadata names) in <paramref name="compilation"/>.</summary>
    public static HubSpec Hub(
        Compilation compilation, string hubClass, string incoming, string outgoing, string? path = null, string? pattern = null, string? prefix = null) =>
        Hub(compilation, hubClass, incoming, outgoing, out _, path, pattern, prefix);

    /// <summary>A hub spec, and the mapper's diagnostics.</summary>
    public static HubSpec Hub(
        Compilation compilation, string hubClass, string incoming, string outgoing, out IReadOnlyList<DiagnosticInfo> diagnostics,
        string? path = null, string? pattern = null, string? prefix = null)
    {
        var mapper = new TypeScriptTypeMapper(compilation);
        var incomingContract = Contract(compilation, incoming, mapper);
        var outgoingContract = Contract(compilation, outgoing, mapper);
        diagnostics = mapper.Diagnostics;
        var dot = hubClass.LastIndexOf('.');
        var className = hubClass[(dot + 1)..];
        return new HubSpec(
            dot < 0 ? "" : hubClass[..dot],
            className,
            "public",
            path,
            pattern,
            prefix ?? (className.EndsWith("Hub", StringComparison.Ordinal) ? className[..^3] : className),
            incomingContract,
            outgoingContract,
            mapper.Declarations);
    }

    private static ContractSpec Contract(Compilation compilation, string metadataName, TypeScriptTypeMapper mapper)
    {
        var contract = compilation.GetTypeByMetadataName(metadataName) ?? throw new InvalidOperationException($"No type {metadataName}.");
        var events = new List<EventSpec>();
        foreach (var method in contract.GetMembers().OfType<IMethodSymbol>())
        {
            var wireName = method.GetAttributes()
                .Where(a => a.AttributeClass?.Name == "EventAttribute")
                .Select(a => a.ConstructorArguments[0].Value as string)
                .FirstOrDefault() ?? JsonCamelCase.Convert(method.Name);
            var parameters = new List<ParameterSpec>();
            var hasCancellationToken = false;
            foreach (var parameter in method.Parameters)
            {
                if (parameter.Type.Name == "CancellationToken")
                {
                    hasCancellationToken = true;
                    continue;
                }
                parameters.Add(parameter.IsParams
                    ? new ParameterSpec(parameter.Name, new TypeRefSpec("global::System.Text.Json.Nodes.JsonNode?[]", false, "unknown[]", "unknown[]"), IsRest: true)
                    : new ParameterSpec(parameter.Name, mapper.Map(parameter.Type, parameter.Locations[0]), IsRest: false));
            }
            var returnType = (INamedTypeSymbol)method.ReturnType;
            var ack = returnType.TypeArguments.Length == 1 ? mapper.Map(returnType.TypeArguments[0], method.Locations[0]) : null;
            events.Add(new EventSpec(method.Name, wireName, parameters.ToEquatableArray(), hasCancellationToken, returnType.Name == "ValueTask", ack));
        }
        return new ContractSpec(contract.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat), events.ToEquatableArray());
    }
}

/// <summary>The result of mapping one type: its spec, the declarations it needed and the diagnostics.</summary>
internal sealed record MappedType(TypeRefSpec Type, EquatableArray<TsDeclaration> Declarations, IReadOnlyList<DiagnosticInfo> Diagnostics)
{
    public string Out => Type.TypeScriptOut;

    public string In => Type.TypeScriptIn;

    /// <summary>Every declaration's text, in order, separated by blank lines.</summary>
    public string DeclarationText => string.Join("\n", Declarations.Select(d => d.Text));

    public TsDeclaration Declaration(string name) => Declarations.Single(d => d.Name == name);

    /// <summary>The diagnostics as <c>id: message</c>.</summary>
    public IReadOnlyList<string> Messages => [.. Diagnostics.Select(d => $"{d.Descriptor.Id}: {d.ToDiagnostic().GetMessage(System.Globalization.CultureInfo.InvariantCulture)}")];
}
