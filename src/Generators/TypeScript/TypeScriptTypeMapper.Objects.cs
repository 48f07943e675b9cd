using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;

namespace TypedIo.Generators.TypeScript;

// Classes, records and structs: the members System.Text.Json writes, and [JsonDerivedType] hierarchies.
internal sealed partial class TypeScriptTypeMapper
{
    // JsonIgnoreCondition values.
    private const int IgnoreNever = 0;
    private const int IgnoreAlways = 1;
    private const int IgnoreWhenWritingDefault = 2;
    private const int IgnoreWhenWritingNull = 3;
    private const int IgnoreWhenWriting = 4;

    private string MapObject(INamedTypeSymbol type, Site site)
    {
        var name = Declare(type.OriginalDefinition, site, ObjectDeclaration);
        var arguments = AllTypeArguments(type);
        return arguments.Count == 0 ? name : name + "<" + string.Join(", ", arguments.Select(argument => MapType(argument, site))) + ">";
    }

    private string ObjectDeclaration(INamedTypeSymbol definition, string name, Site site)
    {
        var members = Members(definition, site);
        var text = new StringBuilder();
        text.Append("export interface ").Append(name).Append(TypeParameterList(definition));
        if (members.Count == 0)
            return text.Append(" {}\n").ToString();

        text.Append(" {\n");
        foreach (var member in members)
            text.Append("  ").Append(member).Append(";\n");
        return text.Append("}\n").ToString();
    }

    /// <summary><c>{ a: string; b: number; }</c>: the members of a polymorphic base written inline.</summary>
    private string InlineShape(INamedTypeSymbol definition, Site site)
    {
        var members = Members(definition, site);
        return members.Count == 0 ? "{}" : "{ " + string.Join("; ", members) + "; }";
    }

    /// <summary>
    /// The members System.Text.Json writes, as <c>name: type</c> / <c>name?: type</c> lines, in its order: the type's own
    /// properties then its <c>[JsonInclude]</c> fields, then its base type's, and so on; a member hides the base members of the
    /// same C# name (<c>new</c>, <c>override</c>); then a stable sort by <c>[JsonPropertyOrder]</c>.
    /// <c>[JsonExtensionData]</c> becomes an index signature, last.
    /// </summary>
    private List<string> Members(INamedTypeSymbol definition, Site site)
    {
        var members = new List<(int Order, string Line)>();
        var memberNames = new HashSet<string>(StringComparer.Ordinal);
        var jsonNames = new HashSet<string>(StringComparer.Ordinal);
        var hasExtensionData = false;

        for (var type = definition; type is not null && type.SpecialType is not (SpecialType.System_Object or SpecialType.System_ValueType); type = type.BaseType)
        {
            var fields = new List<IFieldSymbol>();
            foreach (var member in type.GetMembers())
            {
                switch (member)
                {
                    case IPropertySymbol { IsStatic: false, IsIndexer: false, RefKind: RefKind.None, GetMethod: { } getter } property:
                        var readable = property.DeclaredAccessibility == Accessibility.Public && getter.DeclaredAccessibility == Accessibility.Public;
                        Add(property, property.Type, readable);
                        break;
                    case IFieldSymbol { IsStatic: false, IsConst: false, IsImplicitlyDeclared: false } field:
                        fields.Add(field);
                        break;
                }
            }
            // Fields only with [JsonInclude] (IncludeFields is off), after the properties of the same type.
            foreach (var field in fields)
                Add(field, field.Type, readable: false);
        }

        var lines = members.OrderBy(member => member.Order).Select(member => member.Line).ToList();
        if (hasExtensionData)
            lines.Add("[key: string]: unknown");
        return lines;

        void Add(ISymbol member, ITypeSymbol type, bool readable)
        {
            if (!readable && !HasAttribute(member, _known.JsonIncludeAttribute))
                return;
            if (!memberNames.Add(member.Name))
                return; // hidden by a member of a derived type

            var ignore = IgnoreCondition(member);
            if (ignore == IgnoreNever && !HasIgnoreAttribute(member))
                ignore = DefaultIgnore(type);
            if (ignore == IgnoreAlways)
                return;
            if (HasAttribute(member, _known.JsonExtensionDataAttribute))
            {
                hasExtensionData = true;
                return;
            }

            var jsonName = StringArgument(member, _known.JsonPropertyNameAttribute) ?? _options.ConvertName(member.Name);
            if (!jsonNames.Add(jsonName))
                return; // System.Text.Json refuses the type; the first one is as good a guess as any

            // Optional when the server may leave it out (WhenWriting: the server never writes it, the client may).
            var optional = ignore is IgnoreWhenWritingDefault or IgnoreWhenWritingNull or IgnoreWhenWriting;
            var line = TsSyntax.PropertyKey(jsonName) + (optional ? "?: " : ": ") + MapMemberType(member, type, site.For(member));
            members.Add((IntArgument(member, _known.JsonPropertyOrderAttribute) ?? 0, line));
        }
    }

    private string MapMemberType(ISymbol member, ITypeSymbol type, Site site)
    {
        if (FindConverter(member) is not { } converter)
            return MapType(type, site);

        if (IsStringEnumConverter(converter) && (NullableUnderlying(type) ?? type) is INamedTypeSymbol { TypeKind: TypeKind.Enum } enumType)
        {
            var text = IsFlags(enumType) ? "string" : StringEnumUnion(enumType);
            return IsNullable(type) ? TsSyntax.OrNull(text) : text;
        }
        return Unsupported(type, "its member has a custom JsonConverter, whose JSON the generator cannot know", site);
    }

    private bool HasIgnoreAttribute(ISymbol member) => HasAttribute(member, _known.JsonIgnoreAttribute);

    /// <summary>The options' <c>DefaultIgnoreCondition</c> as it applies to a member of <paramref name="type"/>.</summary>
    private int DefaultIgnore(ITypeSymbol type) => _options.IgnoreCondition switch
    {
        IgnoreWhenWritingNull => IsNullable(type) || (type.IsReferenceType && type.NullableAnnotation != NullableAnnotation.NotAnnotated)
            ? IgnoreWhenWritingNull : IgnoreNever,
        IgnoreWhenWritingDefault => IgnoreWhenWritingDefault,
        _ => IgnoreNever,
    };

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
            return IgnoreAlways;
        }
        return IgnoreNever;
    }

    private bool HasDerivedTypes(INamedTypeSymbol type) =>
        type.OriginalDefinition.GetAttributes().Any(attribute => TypeScriptKnownTypes.Is(attribute.AttributeClass, _known.JsonDerivedTypeAttribute));

    private string MapPolymorphic(INamedTypeSymbol type, Site site)
    {
        if (AllTypeArguments(type).Count > 0)
            return Unsupported(type, "a generic polymorphic type", site);
        return Declare(type.OriginalDefinition, site, PolymorphicDeclaration);
    }

    /// <summary>
    /// A union of the derived types, each with its discriminator (<c>({ $type: 'dog' } &amp; Dog)</c>, or the bare type when
    /// it has none), and the base's own shape when the base is concrete and not listed (then it is written as is).
    /// </summary>
    private string PolymorphicDeclaration(INamedTypeSymbol definition, string name, Site site)
    {
        var discriminator = "$type";
        foreach (var attribute in definition.GetAttributes())
        {
            if (!TypeScriptKnownTypes.Is(attribute.AttributeClass, _known.JsonPolymorphicAttribute))
                continue;
            foreach (var argument in attribute.NamedArguments)
            {
                if (argument.Key == "TypeDiscriminatorPropertyName" && argument.Value.Value is string custom)
                    discriminator = custom;
            }
        }
        var key = TsSyntax.PropertyKey(discriminator);

        var alternatives = new List<string>();
        var baseListed = false;
        foreach (var attribute in definition.GetAttributes())
        {
            var arguments = attribute.ConstructorArguments;
            if (!TypeScriptKnownTypes.Is(attribute.AttributeClass, _known.JsonDerivedTypeAttribute)
                || arguments.Length == 0 || arguments[0].Value is not ITypeSymbol derived)
                continue;

            string shape;
            if (SymbolEqualityComparer.Default.Equals(derived, definition))
            {
                baseListed = true;
                shape = InlineShape(definition, site);
            }
            else
            {
                shape = MapType(derived, site);
            }

            var value = arguments.Length < 2 ? null
                : arguments[1].Value is string text ? TsSyntax.Quote(text)
                : arguments[1].Value is int number ? number.ToString(CultureInfo.InvariantCulture)
                : null;
            alternatives.Add(value is null ? shape : $"({{ {key}: {value} }} & {shape})");
        }
        if (!baseListed && !definition.IsAbstract && definition.TypeKind != TypeKind.Interface)
            alternatives.Insert(0, InlineShape(definition, site));

        var declaration = new StringBuilder();
        declaration.Append("/** Polymorphic: ").Append(TsSyntax.CommentText(discriminator))
            .Append(" names the derived type; the server reads it only when it is the first property. */\n");
        declaration.Append("export type ").Append(name).Append(" =");
        if (alternatives.Count == 0)
            return declaration.Append(" never;\n").ToString();
        foreach (var alternative in alternatives)
            declaration.Append("\n  | ").Append(alternative);
        return declaration.Append(";\n").ToString();
    }

    // --- attributes -----------------------------------------------------------------------------------------------------

    /// <summary>Whether <paramref name="symbol"/> carries <paramref name="attributeType"/> (also used by the AsyncAPI schemas).</summary>
    internal static bool HasAttribute(ISymbol symbol, INamedTypeSymbol? attributeType) =>
        attributeType is not null && symbol.GetAttributes().Any(attribute => TypeScriptKnownTypes.Is(attribute.AttributeClass, attributeType));

    /// <summary>The single string argument of <paramref name="attributeType"/> on <paramref name="symbol"/>, if any.</summary>
    internal static string? StringArgument(ISymbol symbol, INamedTypeSymbol? attributeType)
    {
        foreach (var attribute in symbol.GetAttributes())
        {
            if (TypeScriptKnownTypes.Is(attribute.AttributeClass, attributeType) && attribute.ConstructorArguments.Length == 1
                && attribute.ConstructorArguments[0].Value is string value)
                return value;
        }
        return null;
    }

    private static int? IntArgument(ISymbol symbol, INamedTypeSymbol? attributeType)
    {
        foreach (var attribute in symbol.GetAttributes())
        {
            if (TypeScriptKnownTypes.Is(attribute.AttributeClass, attributeType) && attribute.ConstructorArguments.Length == 1
                && attribute.ConstructorArguments[0].Value is int value)
                return value;
        }
        return null;
    }

    /// <summary>
    /// The converter a <c>[JsonConverter]</c> on <paramref name="symbol"/> names; the attribute class itself when it is a
    /// derived attribute (which makes its converter in code); null without one.
    /// </summary>
    private ISymbol? FindConverter(ISymbol symbol)
    {
        foreach (var attribute in symbol.GetAttributes())
        {
            if (!TypeScriptKnownTypes.Is(attribute.AttributeClass, _known.JsonConverterAttribute))
                continue;
            return attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is ITypeSymbol converter
                ? converter
                : attribute.AttributeClass;
        }
        return null;
    }

    private bool IsStringEnumConverter(ISymbol converter) =>
        converter is INamedTypeSymbol type
        && (SymbolEqualityComparer.Default.Equals(type, _known.JsonStringEnumConverter)
            || SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, _known.JsonStringEnumConverterOfT));
}
