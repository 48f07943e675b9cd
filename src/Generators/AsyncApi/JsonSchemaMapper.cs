using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using TypedIo.Generators.Model;
using TypedIo.Generators.TypeScript;

namespace TypedIo.Generators.AsyncApi;

/// <summary>
/// Turns contract types into JSON Schema (draft-07, the AsyncAPI schema format) describing the JSON the server writes
/// with the hub's options: the same rules as the TypeScript declarations (names by the naming policy or
/// <c>[JsonPropertyName]</c>, enums as numbers or names, binary as an attachment, dictionaries as objects, polymorphic
/// types as <c>oneOf</c> with their discriminator). Named types go to <c>#/components/schemas</c>.
/// </summary>
internal sealed class JsonSchemaMapper
{
    private readonly TypeScriptKnownTypes _known;
    private readonly JsonWireOptions _options;
    private readonly INamedTypeSymbol _enumerableOfT;
    private readonly INamedTypeSymbol? _dictionaryOfKV;
    private readonly INamedTypeSymbol? _readOnlyDictionaryOfKV;
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, string> _schemas = new(StringComparer.Ordinal);

    public JsonSchemaMapper(Compilation compilation, JsonWireOptions options)
    {
        _known = new TypeScriptKnownTypes(compilation);
        _options = options;
        _enumerableOfT = compilation.GetSpecialType(SpecialType.System_Collections_Generic_IEnumerable_T);
        _dictionaryOfKV = compilation.GetTypeByMetadataName("System.Collections.Generic.IDictionary`2");
        _readOnlyDictionaryOfKV = compilation.GetTypeByMetadataName("System.Collections.Generic.IReadOnlyDictionary`2");
    }

    /// <summary>The named schemas the mapped types need, by name.</summary>
    public EquatableArray<TsDeclaration> Schemas => _schemas.Select(s => new TsDeclaration(s.Key, "", s.Value)).ToEquatableArray();

    /// <summary>The schema of a parameter or ack type, nullable annotation included.</summary>
    public string Map(ITypeSymbol type)
    {
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
            return OrNull(MapNonNullable(nullable.TypeArguments[0]));
        var schema = MapNonNullable(type);
        return type.IsReferenceType && type.NullableAnnotation == NullableAnnotation.Annotated ? OrNull(schema) : schema;
    }

    private static string OrNull(string schema) =>
        schema == "{}" ? schema : Json.Object(("anyOf", Json.Array([schema, Json.Object(("type", Json.String("null")))])));

    private static string Typed(string type, params (string Key, string? Value)[] more) =>
        Json.Object(new[] { ("type", (string?)Json.String(type)) }.Concat(more));

    private string Binary => Typed("string", ("format", Json.String("binary")),
        ("description", Json.String("Binary data: a Socket.IO binary attachment in place of this value (an ArrayBuffer or view sent, an ArrayBuffer or Buffer received).")));

    private string Number(bool integer)
    {
        var number = Typed(integer ? "integer" : "number");
        return _options.NumbersDiffer ? Json.Object(("anyOf", Json.Array([number, Typed("string", ("description", Json.String("a number as a string (the JSON options' number handling)")))]))) : number;
    }

    private string MapNonNullable(ITypeSymbol type)
    {
        switch (type)
        {
            case IArrayTypeSymbol { Rank: 1 } array:
                return array.ElementType.SpecialType == SpecialType.System_Byte ? Binary : Typed("array", ("items", Map(array.ElementType)));
            case INamedTypeSymbol named:
                return MapNamed(named);
            default:
                return "{}";
        }
    }

    private string MapNamed(INamedTypeSymbol type)
    {
        switch (type.SpecialType)
        {
            case SpecialType.System_Boolean:
                return Typed("boolean");
            case SpecialType.System_Char:
                return Typed("string", ("minLength", "1"), ("maxLength", "1"));
            case SpecialType.System_String:
                return Typed("string");
            case SpecialType.System_DateTime:
                return Typed("string", ("format", Json.String("date-time")));
            case SpecialType.System_SByte or SpecialType.System_Byte or SpecialType.System_Int16 or SpecialType.System_UInt16
                or SpecialType.System_Int32 or SpecialType.System_UInt32 or SpecialType.System_Int64 or SpecialType.System_UInt64:
                return Number(integer: true);
            case SpecialType.System_Single or SpecialType.System_Double or SpecialType.System_Decimal:
                return Number(integer: false);
            case SpecialType.System_Object:
                return "{}";
        }
        switch (_known.KindOf(type))
        {
            case KnownKind.String:
                return type.Name switch
                {
                    "Guid" => Typed("string", ("format", Json.String("uuid"))),
                    "DateTimeOffset" => Typed("string", ("format", Json.String("date-time"))),
                    "DateOnly" => Typed("string", ("format", Json.String("date"))),
                    "Uri" => Typed("string", ("format", Json.String("uri-reference"))),
                    _ => Typed("string"),
                };
            case KnownKind.Number:
                return Number(integer: type.Name != "Half");
            case KnownKind.JsonObject:
                return Typed("object");
            case KnownKind.JsonArray:
                return Typed("array");
            case KnownKind.MemoryOfT:
                return type.TypeArguments[0].SpecialType == SpecialType.System_Byte ? Binary : Typed("array", ("items", Map(type.TypeArguments[0])));
            case KnownKind.AnyJson or KnownKind.Task or KnownKind.Unsupported:
                return "{}";
        }
        if (type.TypeKind == TypeKind.Enum)
            return Named(type, () => EnumSchema(type));
        if (type.TypeKind == TypeKind.Delegate || type.IsTupleType || TypeScriptTypeMapper.HasAttribute(type.OriginalDefinition, _known.JsonConverterAttribute))
            return "{}";
        foreach (var definition in new[] { _dictionaryOfKV, _readOnlyDictionaryOfKV })
        {
            if (definition is not null && Find(type, definition) is { } dictionary)
                return Typed("object", ("additionalProperties", Map(dictionary.TypeArguments[1])));
        }
        if (Find(type, _enumerableOfT) is { } enumerable)
            return Typed("array", ("items", Map(enumerable.TypeArguments[0])));
        if (type.OriginalDefinition.GetAttributes().Any(a => TypeScriptKnownTypes.Is(a.AttributeClass, _known.JsonDerivedTypeAttribute)))
            return Named(type, () => PolymorphicSchema(type));
        if (type.TypeKind is TypeKind.Class or TypeKind.Struct && !type.IsAbstract)
            return Named(type, () => ObjectSchema(type));
        return "{}";
    }

    private static INamedTypeSymbol? Find(INamedTypeSymbol type, INamedTypeSymbol definition) =>
        SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, definition)
            ? type
            : type.AllInterfaces.FirstOrDefault(i => SymbolEqualityComparer.Default.Equals(i.OriginalDefinition, definition));

    /// <summary>A <c>$ref</c> to the component of <paramref name="type"/>, written on first use.</summary>
    private string Named(INamedTypeSymbol type, Func<string> build)
    {
        var key = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
        if (!_names.TryGetValue(key, out var name))
        {
            var simple = new string([.. type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat).Select(c => char.IsLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_')]).TrimEnd('_');
            name = simple;
            for (var suffix = 2; _names.ContainsValue(name) || name == "TypedIoRejection"; suffix++)
                name = simple + suffix.ToString(System.Globalization.CultureInfo.InvariantCulture);
            _names.Add(key, name);
            _schemas[name] = "{}"; // claimed before building: recursive types refer to it
            _schemas[name] = build();
        }
        return Json.Ref("#/components/schemas/" + name);
    }

    private string EnumSchema(INamedTypeSymbol type)
    {
        var members = type.GetMembers().OfType<IFieldSymbol>().Where(f => f.HasConstantValue).ToList();
        var flags = TypeScriptTypeMapper.HasAttribute(type, _known.FlagsAttribute);
        var asString = _options.StringEnums || TypeScriptTypeMapper.HasAttribute(type, _known.JsonConverterAttribute);
        if (flags)
            return asString ? Typed("string") : Typed("integer");
        if (asString)
        {
            var names = members.Select(m => TypeScriptTypeMapper.StringArgument(m, _known.JsonStringEnumMemberNameAttribute) ?? m.Name).Distinct();
            return Typed("string", ("enum", Json.Array(names.Select(Json.String))));
        }
        var values = members.Select(m => Convert.ToString(m.ConstantValue, System.Globalization.CultureInfo.InvariantCulture) ?? "0").Distinct();
        return Typed("integer", ("enum", Json.Array(values)), ("description", Json.String(string.Join(", ", members.Select(m => $"{m.ConstantValue} = {m.Name}")))));
    }

    private string ObjectSchema(INamedTypeSymbol type)
    {
        var properties = new List<(string, string?)>();
        var required = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var current = type; current is not null && current.SpecialType is not (SpecialType.System_Object or SpecialType.System_ValueType); current = current.BaseType)
        {
            foreach (var member in current.GetMembers())
            {
                ITypeSymbol? memberType = member switch
                {
                    IPropertySymbol { IsStatic: false, IsIndexer: false, DeclaredAccessibility: Accessibility.Public, GetMethod.DeclaredAccessibility: Accessibility.Public } p => p.Type,
                    IFieldSymbol { IsStatic: false, IsConst: false } f when TypeScriptTypeMapper.HasAttribute(f, _known.JsonIncludeAttribute) => f.Type,
                    _ => null,
                };
                if (memberType is null || !seen.Add(member.Name) || TypeScriptTypeMapper.HasAttribute(member, _known.JsonExtensionDataAttribute))
                    continue;
                var ignore = IgnoreCondition(member);
                if (ignore == 0 && !TypeScriptTypeMapper.HasAttribute(member, _known.JsonIgnoreAttribute))
                    ignore = _options.IgnoreCondition switch
                    {
                        3 when IsNullable(memberType) => 3,
                        2 => 2,
                        _ => 0,
                    };
                if (ignore == 1)
                    continue;
                var name = TypeScriptTypeMapper.StringArgument(member, _known.JsonPropertyNameAttribute) ?? _options.ConvertName(member.Name);
                properties.Add((name, TypeScriptTypeMapper.HasAttribute(member, _known.JsonConverterAttribute) ? "{}" : Map(memberType)));
                if (ignore == 0)
                    required.Add(name);
            }
        }
        return Json.Object(("type", Json.String("object")), ("properties", Json.Object(properties)),
            ("required", required.Count == 0 ? null : Json.Array(required.Select(Json.String))));
    }

    private string PolymorphicSchema(INamedTypeSymbol type)
    {
        var discriminator = "$type";
        foreach (var attribute in type.OriginalDefinition.GetAttributes())
        {
            if (TypeScriptKnownTypes.Is(attribute.AttributeClass, _known.JsonPolymorphicAttribute))
            {
                foreach (var argument in attribute.NamedArguments)
                {
                    if (argument.Key == "TypeDiscriminatorPropertyName" && argument.Value.Value is string custom)
                        discriminator = custom;
                }
            }
        }
        var alternatives = new List<string>();
        foreach (var attribute in type.OriginalDefinition.GetAttributes())
        {
            var arguments = attribute.ConstructorArguments;
            if (!TypeScriptKnownTypes.Is(attribute.AttributeClass, _known.JsonDerivedTypeAttribute) || arguments.Length == 0 || arguments[0].Value is not INamedTypeSymbol derived)
                continue;
            var shape = SymbolEqualityComparer.Default.Equals(derived, type.OriginalDefinition) ? ObjectSchema(type) : MapNamed(derived);
            var value = arguments.Length < 2 ? null
                : arguments[1].Value is string text ? Json.String(text)
                : arguments[1].Value is int number ? number.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
            alternatives.Add(value is null ? shape : Json.Object(("allOf", Json.Array([
                Json.Object(("type", Json.String("object")), ("properties", Json.Object((discriminator, Json.Object(("const", value))))), ("required", Json.Array([Json.String(discriminator)]))),
                shape]))));
        }
        if (!type.IsAbstract && type.TypeKind != TypeKind.Interface && alternatives.Count == 0)
            alternatives.Add(ObjectSchema(type));
        return Json.Object(("oneOf", Json.Array(alternatives)), ("description", Json.String($"Polymorphic: '{discriminator}' names the derived type; the server reads it only when it is the first property.")));
    }

    private static bool IsNullable(ITypeSymbol type) =>
        type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T }
        || (type.IsReferenceType && type.NullableAnnotation != NullableAnnotation.NotAnnotated);

    private int IgnoreCondition(ISymbol member)
    {
        foreach (var attribute in member.GetAttributes())
        {
            if (!TypeScriptKnownTypes.Is(attribute.AttributeClass, _known.JsonIgnoreAttribute))
                continue;
            foreach (var argument in attribute.NamedArguments)
            {
                if (argument.Key == "Condition" && argument.Value.Value is int condition)
                    return condition;
            }
            return 1;
        }
        return 0;
    }
}
