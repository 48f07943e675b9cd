using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using TypedIo.Generators.Model;
using TypedIo.Generators.TypeScript;

namespace TypedIo.Generators.Parsing;

/// <summary>
/// Writes the checks that find a <c>null</c> the C# type does not allow inside a bound argument: an element of an array or
/// collection, or a dictionary value, declared non-nullable (at any depth, through the members of contract types).
/// System.Text.Json's <c>RespectNullableAnnotations</c> enforces properties and parameters but not elements, and the
/// nullable annotation of a type argument exists only at compile time, so the generator writes the walk: one static
/// method per type that needs one, returning the JSON path of the first forbidden null (<c>[1]</c>,
/// <c>.lines[0].tags[2]</c>) or null.
/// </summary>
internal sealed class NullChecks
{
    private static readonly SymbolDisplayFormat TypeFormat =
        SymbolDisplayFormat.FullyQualifiedFormat.AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    private readonly INamedTypeSymbol _enumerableOfT;
    private readonly INamedTypeSymbol? _dictionaryOfKV;
    private readonly INamedTypeSymbol? _readOnlyDictionaryOfKV;
    private readonly INamedTypeSymbol? _jsonIgnore;
    private readonly INamedTypeSymbol? _jsonPropertyName;
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, bool> _needed = new(StringComparer.Ordinal);
    private readonly List<string> _methods = [];

    private readonly JsonWireOptions _options;

    public NullChecks(Compilation compilation, JsonWireOptions options)
    {
        _options = options;
        _enumerableOfT = compilation.GetSpecialType(SpecialType.System_Collections_Generic_IEnumerable_T);
        _dictionaryOfKV = compilation.GetTypeByMetadataName("System.Collections.Generic.IDictionary`2");
        _readOnlyDictionaryOfKV = compilation.GetTypeByMetadataName("System.Collections.Generic.IReadOnlyDictionary`2");
        _jsonIgnore = compilation.GetTypeByMetadataName("System.Text.Json.Serialization.JsonIgnoreAttribute");
        _jsonPropertyName = compilation.GetTypeByMetadataName("System.Text.Json.Serialization.JsonPropertyNameAttribute");
    }

    /// <summary>The methods written so far (members of the hub class).</summary>
    public EquatableArray<string> Methods => _methods.ToEquatableArray();

    /// <summary>The name of the method checking a parameter of <paramref name="type"/>, or null when nothing can hide there.</summary>
    public string? For(ITypeSymbol type)
    {
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T })
            return null; // a nullable struct holding collections: rare enough to leave to the handler
        return Needs(type) ? Method(type.WithNullableAnnotation(NullableAnnotation.NotAnnotated)) : null;
    }

    private static string Key(ITypeSymbol type) => type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(TypeFormat);

    private static bool ForbidsNull(ITypeSymbol element) =>
        element.IsReferenceType && element.NullableAnnotation == NullableAnnotation.NotAnnotated;

    /// <summary>Whether a value of <paramref name="type"/> can hold a forbidden null inside (a cycle counts once).</summary>
    private bool Needs(ITypeSymbol type)
    {
        var key = Key(type);
        if (_needed.TryGetValue(key, out var known))
            return known;
        var visiting = new HashSet<string>(StringComparer.Ordinal);
        var result = Needs(type, visiting);
        if (result)
            _needed[key] = true;
        else
            foreach (var visited in visiting)
                _needed[visited] = false;
        return result;
    }

    private bool Needs(ITypeSymbol type, HashSet<string> visiting)
    {
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
            type = nullable.TypeArguments[0];
        var key = Key(type);
        if (_needed.TryGetValue(key, out var known))
            return known;
        if (!visiting.Add(key))
            return false;
        var (kind, element) = Shape(type);
        return kind switch
        {
            ShapeKind.Elements or ShapeKind.Values => ForbidsNull(element!) || Needs(element!, visiting),
            ShapeKind.Object => Members((INamedTypeSymbol)type).Any(member => Needs(member.Type, visiting)),
            _ => false,
        };
    }

    private enum ShapeKind { None, Elements, Values, Object }

    private (ShapeKind Kind, ITypeSymbol? Element) Shape(ITypeSymbol type)
    {
        if (type is IArrayTypeSymbol { Rank: 1 } array)
            return array.ElementType.SpecialType == SpecialType.System_Byte ? (ShapeKind.None, null) : (ShapeKind.Elements, array.ElementType);
        if (type is not INamedTypeSymbol named || named.SpecialType != SpecialType.None || named.TypeKind is TypeKind.Enum or TypeKind.Delegate)
            return (ShapeKind.None, null);
        if (InSystem(named, "System.Text.Json"))
            return (ShapeKind.None, null); // JSON trees hold nulls by design
        foreach (var definition in new[] { _dictionaryOfKV, _readOnlyDictionaryOfKV })
        {
            if (definition is not null && Find(named, definition) is { } dictionary)
                return (ShapeKind.Values, dictionary.TypeArguments[1]);
        }
        if (Find(named, _enumerableOfT) is { } enumerable)
            return (ShapeKind.Elements, enumerable.TypeArguments[0]);
        if (InSystem(named, "System") || named.TypeKind is not (TypeKind.Class or TypeKind.Struct) || named.IsAbstract)
            return (ShapeKind.None, null);
        return (ShapeKind.Object, null);
    }

    private static bool InSystem(INamedTypeSymbol type, string root)
    {
        var ns = type.ContainingNamespace?.ToDisplayString() ?? "";
        return ns == root || ns.StartsWith(root + ".", StringComparison.Ordinal);
    }

    private static INamedTypeSymbol? Find(INamedTypeSymbol type, INamedTypeSymbol definition)
    {
        if (SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, definition))
            return type;
        return type.AllInterfaces.FirstOrDefault(i => SymbolEqualityComparer.Default.Equals(i.OriginalDefinition, definition));
    }

    /// <summary>The public readable instance properties System.Text.Json reads, with their JSON names.</summary>
    private IEnumerable<(string Name, string JsonName, ITypeSymbol Type)> Members(INamedTypeSymbol type)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var current = type; current is not null && current.SpecialType is not (SpecialType.System_Object or SpecialType.System_ValueType); current = current.BaseType)
        {
            foreach (var member in current.GetMembers())
            {
                if (member is not IPropertySymbol { IsStatic: false, IsIndexer: false, DeclaredAccessibility: Accessibility.Public, GetMethod.DeclaredAccessibility: Accessibility.Public } property
                    || !seen.Add(property.Name) || IsAlwaysIgnored(property))
                    continue;
                yield return (property.Name, JsonName(property), property.Type);
            }
        }
    }

    private bool IsAlwaysIgnored(ISymbol member)
    {
        foreach (var attribute in member.GetAttributes())
        {
            if (!SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, _jsonIgnore))
                continue;
            return !attribute.NamedArguments.Any(a => a.Key == "Condition" && a.Value.Value is int condition && condition != 1);
        }
        return false;
    }

    private string JsonName(ISymbol member)
    {
        foreach (var attribute in member.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, _jsonPropertyName)
                && attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is string name)
                return name;
        }
        return _options.ConvertName(member.Name);
    }

    /// <summary>The method for <paramref name="type"/> (needing a check), written on first use.</summary>
    private string Method(ITypeSymbol type)
    {
        var key = Key(type);
        if (_names.TryGetValue(key, out var existing))
            return existing;
        var name = "__FindNull" + _names.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _names.Add(key, name);

        var body = new StringBuilder();
        body.Append("private static string? ").Append(name).Append('(').Append(key).Append(" value)\n{\n");
        var (kind, element) = Shape(type);
        switch (kind)
        {
            case ShapeKind.Elements:
                body.Append("    var index = 0;\n");
                body.Append("    foreach (var item in value)\n    {\n");
                AppendItemCheck(body, element!, "item", "\"[\" + index.ToString(global::System.Globalization.CultureInfo.InvariantCulture) + \"]\"");
                body.Append("        index++;\n    }\n");
                break;
            case ShapeKind.Values:
                body.Append("    foreach (var pair in value)\n    {\n");
                body.Append("        var entry = pair.Value;\n");
                AppendItemCheck(body, element!, "entry", "\".\" + global::System.Convert.ToString(pair.Key, global::System.Globalization.CultureInfo.InvariantCulture)");
                body.Append("    }\n");
                break;
            case ShapeKind.Object:
                foreach (var (member, jsonName, memberType) in Members((INamedTypeSymbol)type))
                {
                    if (!Needs(memberType) || memberType is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T })
                        continue;
                    var inner = Method(memberType.WithNullableAnnotation(NullableAnnotation.NotAnnotated));
                    var access = "value." + (SyntaxFactsIsKeyword(member) ? "@" + member : member);
                    body.Append("    if (").Append(access).Append(" is { } __").Append(member).Append(" && ").Append(inner).Append("(__").Append(member)
                        .Append(") is { } __").Append(member).Append("Path)\n");
                    body.Append("        return ").Append(Literal("." + jsonName)).Append(" + __").Append(member).Append("Path;\n");
                }
                break;
        }
        body.Append("    return null;\n}\n");
        _methods.Add(body.ToString());
        return name;
    }

    private void AppendItemCheck(StringBuilder body, ITypeSymbol element, string variable, string path)
    {
        var forbids = ForbidsNull(element);
        if (forbids)
            body.Append("        if (").Append(variable).Append(" is null)\n            return ").Append(path).Append(";\n");
        if (Needs(element) && element is not INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T })
        {
            var inner = Method(element.WithNullableAnnotation(NullableAnnotation.NotAnnotated));
            body.Append("        if (").Append(forbids || element.IsValueType ? "" : variable + " is not null && ")
                .Append(inner).Append('(').Append(variable).Append(forbids || element.IsValueType ? "" : "!").Append(") is { } inner)\n")
                .Append("            return ").Append(path).Append(" + inner;\n");
        }
    }

    private static bool SyntaxFactsIsKeyword(string name) =>
        Microsoft.CodeAnalysis.CSharp.SyntaxFacts.GetKeywordKind(name) != Microsoft.CodeAnalysis.CSharp.SyntaxKind.None;

    private static string Literal(string value) => Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(value, quote: true);
}
