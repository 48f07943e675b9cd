using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using TypedIo.Generators.Model;
using TypedIo.CodeAnalysis;

namespace TypedIo.Generators.TypeScript;

/// <summary>
/// Turns the C# types of one hub's contracts into TypeScript, following what System.Text.Json writes with the runtime's
/// options (camelCase property names, everything else default) and the runtime's binary rule (<c>byte[]</c>,
/// <c>Memory&lt;byte&gt;</c>, <c>ReadOnlyMemory&lt;byte&gt;</c> and <c>ArraySegment&lt;byte&gt;</c> travel as attachments at any
/// depth). Named types (objects, enums, polymorphic hierarchies) become declarations, collected across calls.
/// </summary>
/// <remarks>
/// One mapper per hub, used during one transform: it holds symbols, so it must never be stored in a spec. Calls must come
/// in a deterministic order (declaration order): a name two C# types claim goes to the first one (TIO011).
/// </remarks>
internal sealed partial class TypeScriptTypeMapper
{
    private static readonly SymbolDisplayFormat CSharpFormat =
        SymbolDisplayFormat.FullyQualifiedFormat.AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    private readonly TypeScriptKnownTypes _known;

    // Generic definition → its TypeScript name; the name is claimed before the declaration is written (recursion).
    private readonly Dictionary<INamedTypeSymbol, string> _names = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<string, string> _sourceTypeByName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TsDeclaration> _declarations = new(StringComparer.Ordinal);
    private readonly List<DiagnosticInfo> _diagnostics = [];
    private readonly HashSet<DiagnosticInfo> _reported = [];

    // The generic definition whose declaration is being written: its type parameters may appear as themselves.
    private INamedTypeSymbol? _declaring;

    // Mapping what a client sends (binary may be any view), rather than what the server sends.
    private bool _input;
    private readonly Dictionary<INamedTypeSymbol, string> _inputNames = new(SymbolEqualityComparer.Default);

    private readonly JsonWireOptions _options;

    private readonly AsyncApi.JsonSchemaMapper? _schemas;

    public TypeScriptTypeMapper(Compilation compilation, JsonWireOptions? options = null, AsyncApi.JsonSchemaMapper? schemas = null)
    {
        _known = new TypeScriptKnownTypes(compilation);
        _options = options ?? JsonWireOptions.Default;
        _schemas = schemas;
    }

    /// <summary>Every declaration the mapped types need so far, sorted by name (ordinal).</summary>
    public EquatableArray<TsDeclaration> Declarations =>
        _declarations.Values.OrderBy(declaration => declaration.Name, StringComparer.Ordinal).ToEquatableArray();

    /// <summary>The types TypeScript cannot express (TIO010) and the names two types claimed (TIO011), in the order found.</summary>
    public IReadOnlyList<DiagnosticInfo> Diagnostics => _diagnostics;

    /// <summary>Maps a contract parameter or ack type, nullable annotation included, for both directions.</summary>
    /// <param name="type">The type as declared (its nullable annotation counts).</param>
    /// <param name="location">Where a diagnostic about it goes (the parameter or method).</param>
    /// <remarks>
    /// What a client may send and what it receives differ only for binary: it may send any view on the bytes
    /// (<c>ArrayBuffer | ArrayBufferView</c>), and receives an <c>ArrayBuffer</c> (a <c>Buffer</c> in Node, which is a
    /// view too). So a named type that holds binary at any depth gets a second declaration for what the client sends,
    /// <c>XInput</c>; every other type has one declaration for both directions.
    /// </remarks>
    public TypeRefSpec Map(ITypeSymbol type, Location? location)
    {
        var isNullable = IsNullable(type);
        var output = MapType(type, new Site(null, location));
        _input = true;
        try
        {
            var input = MapType(type, new Site(null, location));
            return new TypeRefSpec(type.ToDisplayString(CSharpFormat), isNullable, output, input) { Schema = _schemas?.Map(type) ?? "{}" };
        }
        finally
        {
            _input = false;
        }
    }

    private static bool IsNullable(ITypeSymbol type) =>
        NullableUnderlying(type) is not null || type.NullableAnnotation == NullableAnnotation.Annotated;

    private static ITypeSymbol? NullableUnderlying(ITypeSymbol type) =>
        type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable ? nullable.TypeArguments[0] : null;

    private bool IsBinary(ITypeSymbol type) => type switch
    {
        IArrayTypeSymbol { Rank: 1, ElementType.SpecialType: SpecialType.System_Byte } => true,
        INamedTypeSymbol named => _known.KindOf(named) == KnownKind.MemoryOfT && named.TypeArguments[0].SpecialType == SpecialType.System_Byte,
        _ => false,
    };

    /// <summary>
    /// A number as the options' number handling writes it (<c>WriteAsString</c>: a string) or reads it
    /// (<c>AllowReadingFromString</c>: a number or a string); with named literals, a float may be NaN or an infinity.
    /// </summary>
    private string Number(bool floatingPoint)
    {
        var handling = _options.NumberHandling;
        var text = _input
            ? (handling & JsonWireOptions.AllowReadingFromString) != 0 ? "number | string" : "number"
            : (handling & JsonWireOptions.WriteAsString) != 0 ? "string" : "number";
        if (floatingPoint && (handling & JsonWireOptions.AllowNamedFloatingPointLiterals) != 0 && text == "number")
            text += " | 'NaN' | 'Infinity' | '-Infinity'";
        return text;
    }

    /// <summary>Binary as the client receives it, or as it may send it.</summary>
    private string Binary => _input ? "ArrayBuffer | ArrayBufferView" : "ArrayBuffer";

    private string MapType(ITypeSymbol type, Site site)
    {
        if (NullableUnderlying(type) is { } underlying)
            return TsSyntax.OrNull(MapNonNullable(underlying, site));
        var text = MapNonNullable(type, site);
        return type.NullableAnnotation == NullableAnnotation.Annotated ? TsSyntax.OrNull(text) : text;
    }

    private string MapNonNullable(ITypeSymbol type, Site site)
    {
        switch (type)
        {
            case { TypeKind: TypeKind.Error or TypeKind.Dynamic }:
                return "unknown"; // an error type is the compiler's to report
            case ITypeParameterSymbol parameter:
                return IsInScope(parameter) ? parameter.Name : Unsupported(type, "an open type parameter", site);
            case IPointerTypeSymbol or IFunctionPointerTypeSymbol:
                return Unsupported(type, "pointers are not serializable", site);
            case IArrayTypeSymbol array:
                if (array.Rank != 1)
                    return Unsupported(type, "System.Text.Json does not serialize multi-dimensional arrays", site);
                return IsBinary(array) ? Binary : TsSyntax.ArrayOf(MapType(array.ElementType, site));
            case INamedTypeSymbol named:
                return MapNamed(named, site);
            default:
                return Unsupported(type, "not a serializable type", site);
        }
    }

    private string MapNamed(INamedTypeSymbol type, Site site)
    {
        if (type.TypeKind == TypeKind.Delegate)
            return Unsupported(type, "delegates are not serializable", site);

        switch (type.SpecialType)
        {
            case SpecialType.System_Boolean:
                return "boolean";
            case SpecialType.System_Char or SpecialType.System_String or SpecialType.System_DateTime:
                return "string";
            case SpecialType.System_SByte or SpecialType.System_Byte or SpecialType.System_Int16 or SpecialType.System_UInt16
                or SpecialType.System_Int32 or SpecialType.System_UInt32 or SpecialType.System_Int64 or SpecialType.System_UInt64
                or SpecialType.System_Single or SpecialType.System_Double or SpecialType.System_Decimal:
                return Number(type.SpecialType is SpecialType.System_Single or SpecialType.System_Double);
            case SpecialType.System_Object:
                return "unknown";
        }

        switch (_known.KindOf(type))
        {
            case KnownKind.String:
                return "string";
            case KnownKind.Number:
                return Number(floatingPoint: type.Name == "Half");
            case KnownKind.AnyJson:
                return "unknown";
            case KnownKind.JsonObject:
                return "Record<string, unknown>";
            case KnownKind.JsonArray:
                return "unknown[]";
            case KnownKind.MemoryOfT:
                return IsBinary(type) ? Binary : TsSyntax.ArrayOf(MapType(type.TypeArguments[0], site));
            case KnownKind.Task:
                return Unsupported(type, "a task is not a value", site);
            case KnownKind.Unsupported:
                return Unsupported(type, "System.Text.Json does not serialize it", site);
        }

        if (type.IsTupleType || type.OriginalDefinition is { Name: "ValueTuple", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } })
            return Unsupported(type, "System.Text.Json writes a value tuple as an empty object: its elements are fields", site);
        if (type.TypeKind == TypeKind.Enum)
            return MapEnum(type, site);
        if (type.IsRefLikeType)
            return Unsupported(type, "a ref struct is not serializable", site);
        if (FindConverter(type.OriginalDefinition) is not null)
            return Unsupported(type, "it has a custom JsonConverter, whose JSON the generator cannot know", site);

        if (FindDictionary(type) is { } dictionary)
        {
            if (!IsSupportedKey(dictionary.Key))
                return Unsupported(type, $"System.Text.Json cannot write a '{dictionary.Key.ToDisplayString()}' key as a property name", site);
            return $"Record<string, {MapType(dictionary.Value, site)}>";
        }
        if (Implements(type, _known.IDictionary))
            return "Record<string, unknown>";
        if (FindEnumerableElement(type) is { } element)
            return TsSyntax.ArrayOf(MapType(element, site));
        if (Implements(type, _known.IEnumerable))
            return "unknown[]";

        if (HasDerivedTypes(type))
            return MapPolymorphic(type, site);
        if (type.TypeKind == TypeKind.Interface)
            return Unsupported(type, "an interface has no JSON shape the server can read: use a class or record, or [JsonDerivedType]", site);
        if (type.IsAbstract)
            return Unsupported(type, "an abstract class has no JSON shape the server can read: use [JsonDerivedType]", site);
        if (type.TypeKind is TypeKind.Class or TypeKind.Struct)
            return MapObject(type, site);
        return Unsupported(type, "not a serializable type", site);
    }

    private bool IsInScope(ITypeParameterSymbol parameter)
    {
        if (parameter.TypeParameterKind != TypeParameterKind.Type)
            return false;
        for (var declaring = _declaring; declaring is not null; declaring = declaring.ContainingType)
        {
            if (SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol.OriginalDefinition, declaring.OriginalDefinition))
                return true;
        }
        return false;
    }

    private (ITypeSymbol Key, ITypeSymbol Value)? FindDictionary(INamedTypeSymbol type)
    {
        foreach (var definition in new[] { _known.IDictionaryOfKV, _known.IReadOnlyDictionaryOfKV })
        {
            if (definition is not null && Find(type, definition) is { } found)
                return (found.TypeArguments[0], found.TypeArguments[1]);
        }
        return null;
    }

    private ITypeSymbol? FindEnumerableElement(INamedTypeSymbol type) => Find(type, _known.IEnumerableOfT)?.TypeArguments[0];

    /// <summary>The type itself or the first interface it implements whose generic definition is <paramref name="definition"/>.</summary>
    private static INamedTypeSymbol? Find(INamedTypeSymbol type, INamedTypeSymbol definition)
    {
        if (SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, definition))
            return type;
        foreach (var candidate in type.AllInterfaces)
        {
            if (SymbolEqualityComparer.Default.Equals(candidate.OriginalDefinition, definition))
                return candidate;
        }
        return null;
    }

    private static bool Implements(INamedTypeSymbol type, INamedTypeSymbol? definition) =>
        definition is not null && Find(type, definition) is not null;

    /// <summary>The key types whose System.Text.Json converters can write a property name.</summary>
    private bool IsSupportedKey(ITypeSymbol key)
    {
        switch (key)
        {
            case ITypeParameterSymbol parameter:
                return IsInScope(parameter);
            case INamedTypeSymbol named:
                switch (named.SpecialType)
                {
                    case SpecialType.System_String or SpecialType.System_Char or SpecialType.System_Boolean or SpecialType.System_Object
                        or SpecialType.System_DateTime or SpecialType.System_SByte or SpecialType.System_Byte or SpecialType.System_Int16
                        or SpecialType.System_UInt16 or SpecialType.System_Int32 or SpecialType.System_UInt32 or SpecialType.System_Int64
                        or SpecialType.System_UInt64 or SpecialType.System_Single or SpecialType.System_Double or SpecialType.System_Decimal:
                        return true;
                }
                return named.TypeKind == TypeKind.Enum || _known.KindOf(named) is KnownKind.String or KnownKind.Number;
            default:
                return false;
        }
    }

    /// <summary>
    /// The name of <paramref name="definition"/>'s declaration, writing it on first use with <paramref name="build"/>
    /// (which gets the definition and the claimed name).
    /// </summary>
    private string Declare(INamedTypeSymbol definition, Site site, Func<INamedTypeSymbol, string, Site, string> build)
    {
        var input = _input && ReachesBinary(definition);
        var names = input ? _inputNames : _names;
        if (names.TryGetValue(definition, out var existing))
            return existing;

        var sourceType = definition.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
        var name = input
            ? ClaimName(DesiredName(definition) + "Input", sourceType + " (input)", definition, site)
            : ClaimName(DesiredName(definition), sourceType, definition, site);
        names.Add(definition, name);

        var outer = _declaring;
        _declaring = definition;
        try
        {
            var text = build(definition, name, site);
            if (input)
                text = "/** What a client sends, where it may send more than it receives (binary as any ArrayBuffer or view; numbers as the JSON options read them). */\n" + text;
            _declarations[name] = new TsDeclaration(name, input ? sourceType + " (input)" : sourceType, text);
        }
        finally
        {
            _declaring = outer;
        }
        return name;
    }

    /// <summary>The name of <c>[TsName("...")]</c>, else the C# simple name; a nested type is <c>Outer_Inner</c>.</summary>
    private string DesiredName(INamedTypeSymbol type)
    {
        if (StringArgument(type, _known.TsNameAttribute) is { Length: > 0 } chosen)
            return chosen;
        return type.ContainingType is { } containing ? DesiredName(containing) + "_" + type.Name : type.Name;
    }

    private string ClaimName(string desired, string sourceType, INamedTypeSymbol definition, Site site)
    {
        var name = desired;
        var valid = TsSyntax.IsIdentifier(desired) ? desired : "_" + new string([.. desired.Select(c => char.IsLetterOrDigit(c) && c < 128 ? c : '_')]);
        for (var suffix = 2; _sourceTypeByName.ContainsKey(name) || TsSyntax.IsReservedTypeName(name); suffix++)
            name = valid + suffix.ToString(CultureInfo.InvariantCulture);
        _sourceTypeByName.Add(name, sourceType);

        if (name == desired)
            return name;
        if (TsSyntax.WhyReserved(desired) is { } why)
        {
            var location = definition.Locations.FirstOrDefault(l => l.IsInSource) ?? site.Location;
            Report(DiagnosticInfo.Create(TypedIoDiagnostics.TypeScriptReservedName, location,
                definition.ToDisplayString(), desired, why, name));
        }
        else if (_sourceTypeByName.TryGetValue(desired, out var first))
        {
            Report(DiagnosticInfo.Create(TypedIoDiagnostics.TypeScriptNameCollision, site.Location, desired,
                TsSyntax.CSharpDisplayName(first), TsSyntax.CSharpDisplayName(sourceType), name));
        }
        return name;
    }

    /// <summary>Every type argument, the containing types' first (<c>Outer&lt;A&gt;.Inner&lt;B&gt;</c> → A, B).</summary>
    private static List<ITypeSymbol> AllTypeArguments(INamedTypeSymbol type)
    {
        var arguments = type.ContainingType is { } containing ? AllTypeArguments(containing) : [];
        arguments.AddRange(type.TypeArguments);
        return arguments;
    }

    /// <summary><c>&lt;T, U&gt;</c> for a generic definition, empty otherwise.</summary>
    private static string TypeParameterList(INamedTypeSymbol definition)
    {
        var parameters = AllTypeArguments(definition);
        return parameters.Count == 0 ? "" : "<" + string.Join(", ", parameters.Select(parameter => parameter.Name)) + ">";
    }

    private string Unsupported(ITypeSymbol type, string reason, Site site)
    {
        if (site.UsedBy is not null)
            reason += $"; used by '{site.UsedBy}'";
        Report(DiagnosticInfo.Create(TypedIoDiagnostics.TypeScriptUnsupportedType, site.Location,
            type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(), reason));
        return "unknown";
    }

    private void Report(DiagnosticInfo diagnostic)
    {
        if (_reported.Add(diagnostic))
            _diagnostics.Add(diagnostic);
    }

    /// <summary>Where a type is used, for diagnostics: the member that uses it (null at the top level) and a location.</summary>
    private readonly struct Site(string? usedBy, Location? location)
    {
        public string? UsedBy { get; } = usedBy;

        public Location? Location { get; } = location;

        public Site For(ISymbol member) =>
            new($"{member.ContainingType.ToDisplayString()}.{member.Name}", member.Locations.FirstOrDefault(l => l.IsInSource) ?? Location);
    }
}
