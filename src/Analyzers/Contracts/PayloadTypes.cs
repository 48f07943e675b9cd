using System.Linq;
using Microsoft.CodeAnalysis;

namespace TypedIo.Analyzers.Contracts;

/// <summary>What a value is in JSON, as far as the analyzers can tell without knowing the serializer's options.</summary>
internal enum JsonShape
{
    /// <summary>Could be anything: object, dynamic, JSON trees, enums (numbers or names), interfaces, converters.</summary>
    Unknown,
    String,
    Number,
    Boolean,
    Binary,
    Array,
    Object,
}

/// <summary>
/// Compares payload types the way the wire does. Only differences that are certainly wrong count: a string where a
/// number travels, an array where an object does, two unrelated record types. Numbers are numbers whatever their width.
/// </summary>
internal static class PayloadTypes
{
    private const int MaxDepth = 6;

    /// <summary>Whether a value of <paramref name="actual"/> can certainly not be read as <paramref name="declared"/>.</summary>
    public static bool AreIncompatible(ITypeSymbol actual, ITypeSymbol declared, Compilation compilation) =>
        AreIncompatible(actual, declared, compilation, 0);

    private static bool AreIncompatible(ITypeSymbol actual, ITypeSymbol declared, Compilation compilation, int depth)
    {
        if (depth > MaxDepth)
            return false;
        actual = UnwrapNullable(actual);
        declared = UnwrapNullable(declared);
        var actualShape = ShapeOf(actual);
        var declaredShape = ShapeOf(declared);
        if (actualShape == JsonShape.Unknown || declaredShape == JsonShape.Unknown)
            return false;
        if (actualShape != declaredShape)
            return true;
        switch (actualShape)
        {
            case JsonShape.Array:
                return ElementOf(actual) is { } actualElement && ElementOf(declared) is { } declaredElement
                    && AreIncompatible(actualElement, declaredElement, compilation, depth + 1);
            case JsonShape.Object:
                if (DictionaryValueOf(actual) is { } actualValue && DictionaryValueOf(declared) is { } declaredValue)
                    return AreIncompatible(actualValue, declaredValue, compilation, depth + 1);
                if (DictionaryValueOf(actual) is not null || DictionaryValueOf(declared) is not null)
                    return false; // a dictionary can hold any object's properties
                if (actual.IsAnonymousType || declared.IsAnonymousType)
                    return false;
                var conversion = compilation.ClassifyCommonConversion(actual, declared);
                var back = compilation.ClassifyCommonConversion(declared, actual);
                return !conversion.IsImplicit && !back.IsImplicit;
            default:
                return false;
        }
    }

    /// <summary>The JSON shape of <paramref name="type"/> under System.Text.Json's defaults.</summary>
    public static JsonShape ShapeOf(ITypeSymbol type)
    {
        type = UnwrapNullable(type);
        switch (type.SpecialType)
        {
            case SpecialType.System_Boolean:
                return JsonShape.Boolean;
            case SpecialType.System_Char or SpecialType.System_String or SpecialType.System_DateTime:
                return JsonShape.String;
            case SpecialType.System_SByte or SpecialType.System_Byte or SpecialType.System_Int16 or SpecialType.System_UInt16
                or SpecialType.System_Int32 or SpecialType.System_UInt32 or SpecialType.System_Int64 or SpecialType.System_UInt64
                or SpecialType.System_Single or SpecialType.System_Double or SpecialType.System_Decimal:
                return JsonShape.Number;
            case SpecialType.System_Object:
                return JsonShape.Unknown;
        }
        if (type is IArrayTypeSymbol array)
            return array.ElementType.SpecialType == SpecialType.System_Byte ? JsonShape.Binary : JsonShape.Array;
        if (type is not INamedTypeSymbol named || type.TypeKind is TypeKind.Interface or TypeKind.Enum or TypeKind.TypeParameter
            or TypeKind.Error or TypeKind.Dynamic or TypeKind.Delegate)
            return type is INamedTypeSymbol { TypeKind: TypeKind.Interface } iface ? InterfaceShape(iface) : JsonShape.Unknown;
        if (HasConverter(named))
            return JsonShape.Unknown;

        var ns = named.ContainingNamespace?.ToDisplayString();
        if (ns is "System.Text.Json" or "System.Text.Json.Nodes")
            return JsonShape.Unknown;
        if (ns == "System")
        {
            switch (named.MetadataName)
            {
                case "Guid" or "Uri" or "DateTimeOffset" or "DateOnly" or "TimeOnly" or "TimeSpan" or "Version":
                    return JsonShape.String;
                case "Half" or "Int128" or "UInt128":
                    return JsonShape.Number;
                case "Memory`1" or "ReadOnlyMemory`1" or "ArraySegment`1":
                    return named.TypeArguments[0].SpecialType == SpecialType.System_Byte ? JsonShape.Binary : JsonShape.Array;
            }
            if (named.IsTupleType || named.Name == "ValueTuple")
                return JsonShape.Unknown;
        }
        if (DictionaryValueOf(named) is not null)
            return JsonShape.Object;
        if (ElementOf(named) is not null)
            return JsonShape.Array;
        return named.TypeKind is TypeKind.Class or TypeKind.Struct ? JsonShape.Object : JsonShape.Unknown;
    }

    private static JsonShape InterfaceShape(INamedTypeSymbol type) =>
        DictionaryValueOf(type) is not null ? JsonShape.Object : ElementOf(type) is not null ? JsonShape.Array : JsonShape.Unknown;

    private static bool HasConverter(INamedTypeSymbol type) =>
        type.GetAttributes().Any(a => a.AttributeClass?.Name == "JsonConverterAttribute");

    private static ITypeSymbol UnwrapNullable(ITypeSymbol type) =>
        type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable ? nullable.TypeArguments[0] : type;

    /// <summary>The element type of an array or enumerable (not string, not a dictionary).</summary>
    public static ITypeSymbol? ElementOf(ITypeSymbol type)
    {
        if (type is IArrayTypeSymbol array)
            return array.ElementType;
        if (type.SpecialType == SpecialType.System_String || DictionaryValueOf(type) is not null)
            return null;
        return EnumerableOfT(type)?.TypeArguments[0];
    }

    private static INamedTypeSymbol? EnumerableOfT(ITypeSymbol type)
    {
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Collections_Generic_IEnumerable_T } self)
            return self;
        return type.AllInterfaces.FirstOrDefault(i => i.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T);
    }

    private static ITypeSymbol? DictionaryValueOf(ITypeSymbol type)
    {
        foreach (var candidate in new[] { type }.Concat(type.AllInterfaces))
        {
            if (candidate is INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 2 } generic
                && generic.OriginalDefinition.Name is "IDictionary" or "IReadOnlyDictionary"
                && generic.ContainingNamespace?.ToDisplayString() == "System.Collections.Generic")
                return generic.TypeArguments[1];
        }
        return null;
    }

    /// <summary>Why System.Text.Json cannot carry <paramref name="type"/>, or null when it can (or may).</summary>
    public static string? WhyNotSerializable(ITypeSymbol type) => WhyNotSerializable(type, 0);

    private static string? WhyNotSerializable(ITypeSymbol type, int depth)
    {
        if (depth > MaxDepth)
            return null;
        type = UnwrapNullable(type);
        switch (type)
        {
            case IPointerTypeSymbol or IFunctionPointerTypeSymbol:
                return "pointers cannot be serialized";
            case IArrayTypeSymbol { Rank: > 1 }:
                return "System.Text.Json does not serialize multi-dimensional arrays; use an array of arrays";
            case IArrayTypeSymbol array:
                return WhyNotSerializable(array.ElementType, depth + 1);
            case INamedTypeSymbol { TypeKind: TypeKind.Delegate }:
                return "delegates cannot be serialized";
            case INamedTypeSymbol { IsRefLikeType: true }:
                return "a ref struct cannot be serialized";
            case INamedTypeSymbol named when named.IsTupleType || named.OriginalDefinition.ToDisplayString().StartsWith("System.ValueTuple", System.StringComparison.Ordinal):
                return "System.Text.Json writes a value tuple as an empty object (its elements are fields); use a record";
            case INamedTypeSymbol named when IsReflectionOrPointerLike(named):
                return "System.Text.Json refuses to serialize it";
            case INamedTypeSymbol named when ElementOf(named) is { } element && !IsString(named):
                return WhyNotSerializable(element, depth + 1);
            default:
                return null;
        }
    }

    private static bool IsString(ITypeSymbol type) => type.SpecialType == SpecialType.System_String;

    private static bool IsReflectionOrPointerLike(INamedTypeSymbol type)
    {
        if (type.SpecialType is SpecialType.System_IntPtr or SpecialType.System_UIntPtr)
            return true;
        for (var current = type; current is not null; current = current.BaseType)
        {
            var name = current.ToDisplayString();
            if (name is "System.Type" or "System.Reflection.MemberInfo" or "System.Runtime.Serialization.SerializationInfo")
                return true;
        }
        return false;
    }
}
