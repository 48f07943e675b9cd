using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace TypedIo.Generators.TypeScript;

/// <summary>What a well-known type is on the wire, when System.Text.Json has a built-in converter for it.</summary>
internal enum KnownKind
{
    None,
    /// <summary>Written as a JSON string (Guid, Uri, DateTimeOffset, TimeSpan...).</summary>
    String,
    /// <summary>Written as a JSON number (Half, Int128, UInt128).</summary>
    Number,
    /// <summary>Any JSON (JsonElement, JsonNode, JsonDocument...).</summary>
    AnyJson,
    /// <summary>A JSON object of anything (JsonObject).</summary>
    JsonObject,
    /// <summary>A JSON array of anything (JsonArray).</summary>
    JsonArray,
    /// <summary>Memory&lt;T&gt;, ReadOnlyMemory&lt;T&gt;, ArraySegment&lt;T&gt;: binary for bytes, an array otherwise.</summary>
    MemoryOfT,
    /// <summary>A Task or ValueTask: not a value.</summary>
    Task,
    /// <summary>A type System.Text.Json refuses or writes as a meaningless object (Type, IntPtr, BigInteger...).</summary>
    Unsupported,
}

/// <summary>The symbols the mapper compares against, looked up once per compilation.</summary>
internal sealed class TypeScriptKnownTypes
{
    private readonly Dictionary<INamedTypeSymbol, KnownKind> _kinds = new(SymbolEqualityComparer.Default);

    public TypeScriptKnownTypes(Compilation compilation)
    {
        Add(compilation, KnownKind.String,
            "System.Guid", "System.Uri", "System.DateTimeOffset", "System.DateOnly", "System.TimeOnly", "System.TimeSpan",
            "System.Version");
        Add(compilation, KnownKind.Number, "System.Half", "System.Int128", "System.UInt128");
        Add(compilation, KnownKind.AnyJson,
            "System.Text.Json.JsonElement", "System.Text.Json.JsonDocument", "System.Text.Json.Nodes.JsonNode",
            "System.Text.Json.Nodes.JsonValue");
        Add(compilation, KnownKind.JsonObject, "System.Text.Json.Nodes.JsonObject");
        Add(compilation, KnownKind.JsonArray, "System.Text.Json.Nodes.JsonArray");
        Add(compilation, KnownKind.MemoryOfT, "System.Memory`1", "System.ReadOnlyMemory`1", "System.ArraySegment`1");
        Add(compilation, KnownKind.Task,
            "System.Threading.Tasks.Task", "System.Threading.Tasks.Task`1", "System.Threading.Tasks.ValueTask",
            "System.Threading.Tasks.ValueTask`1");
        Add(compilation, KnownKind.Unsupported,
            "System.Type", "System.Reflection.MemberInfo", "System.Runtime.Serialization.SerializationInfo",
            "System.Numerics.BigInteger", "System.Threading.CancellationToken", "System.IntPtr", "System.UIntPtr");

        MemberInfo = compilation.GetTypeByMetadataName("System.Reflection.MemberInfo");
        IEnumerableOfT = compilation.GetSpecialType(SpecialType.System_Collections_Generic_IEnumerable_T);
        IEnumerable = compilation.GetSpecialType(SpecialType.System_Collections_IEnumerable);
        IDictionaryOfKV = compilation.GetTypeByMetadataName("System.Collections.Generic.IDictionary`2");
        IReadOnlyDictionaryOfKV = compilation.GetTypeByMetadataName("System.Collections.Generic.IReadOnlyDictionary`2");
        IDictionary = compilation.GetTypeByMetadataName("System.Collections.IDictionary");
        FlagsAttribute = compilation.GetTypeByMetadataName("System.FlagsAttribute");

        JsonIgnoreAttribute = Json(compilation, "JsonIgnoreAttribute");
        JsonIncludeAttribute = Json(compilation, "JsonIncludeAttribute");
        JsonPropertyNameAttribute = Json(compilation, "JsonPropertyNameAttribute");
        JsonPropertyOrderAttribute = Json(compilation, "JsonPropertyOrderAttribute");
        JsonExtensionDataAttribute = Json(compilation, "JsonExtensionDataAttribute");
        JsonConverterAttribute = Json(compilation, "JsonConverterAttribute");
        JsonStringEnumConverter = Json(compilation, "JsonStringEnumConverter");
        JsonStringEnumConverterOfT = Json(compilation, "JsonStringEnumConverter`1");
        JsonStringEnumMemberNameAttribute = Json(compilation, "JsonStringEnumMemberNameAttribute");
        JsonDerivedTypeAttribute = Json(compilation, "JsonDerivedTypeAttribute");
        JsonPolymorphicAttribute = Json(compilation, "JsonPolymorphicAttribute");
        TsNameAttribute = compilation.GetTypeByMetadataName("TypedIo.TsNameAttribute");
    }

    public INamedTypeSymbol? MemberInfo { get; }
    public INamedTypeSymbol IEnumerableOfT { get; }
    public INamedTypeSymbol IEnumerable { get; }
    public INamedTypeSymbol? IDictionaryOfKV { get; }
    public INamedTypeSymbol? IReadOnlyDictionaryOfKV { get; }
    public INamedTypeSymbol? IDictionary { get; }
    public INamedTypeSymbol? FlagsAttribute { get; }
    public INamedTypeSymbol? JsonIgnoreAttribute { get; }
    public INamedTypeSymbol? JsonIncludeAttribute { get; }
    public INamedTypeSymbol? JsonPropertyNameAttribute { get; }
    public INamedTypeSymbol? JsonPropertyOrderAttribute { get; }
    public INamedTypeSymbol? JsonExtensionDataAttribute { get; }
    public INamedTypeSymbol? JsonConverterAttribute { get; }
    public INamedTypeSymbol? JsonStringEnumConverter { get; }
    public INamedTypeSymbol? JsonStringEnumConverterOfT { get; }
    public INamedTypeSymbol? JsonStringEnumMemberNameAttribute { get; }
    public INamedTypeSymbol? JsonDerivedTypeAttribute { get; }
    public INamedTypeSymbol? JsonPolymorphicAttribute { get; }
    public INamedTypeSymbol? TsNameAttribute { get; }

    /// <summary>What <paramref name="type"/> (its generic definition) is to System.Text.Json, if it is a well-known type.</summary>
    public KnownKind KindOf(INamedTypeSymbol type)
    {
        if (_kinds.TryGetValue(type.OriginalDefinition, out var kind))
            return kind;
        if (MemberInfo is not null && type.TypeKind == TypeKind.Class)
        {
            for (var current = type.BaseType; current is not null; current = current.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(current, MemberInfo))
                    return KnownKind.Unsupported;
            }
        }
        return KnownKind.None;
    }

    /// <summary>Whether the attribute class is <paramref name="expected"/> or derives from it.</summary>
    public static bool Is(INamedTypeSymbol? attributeClass, INamedTypeSymbol? expected)
    {
        if (expected is null)
            return false;
        for (var current = attributeClass; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current, expected))
                return true;
        }
        return false;
    }

    private void Add(Compilation compilation, KnownKind kind, params string[] metadataNames)
    {
        foreach (var name in metadataNames)
        {
            if (compilation.GetTypeByMetadataName(name) is { } symbol)
                _kinds[symbol] = kind;
        }
    }

    private static INamedTypeSymbol? Json(Compilation compilation, string name) =>
        compilation.GetTypeByMetadataName("System.Text.Json.Serialization." + name);
}
