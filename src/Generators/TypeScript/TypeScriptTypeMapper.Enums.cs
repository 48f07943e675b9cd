using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;

namespace TypedIo.Generators.TypeScript;

// Enums: numbers by default, member names with JsonStringEnumConverter on the type; [Flags] enums are any number / string.
internal sealed partial class TypeScriptTypeMapper
{
    private string MapEnum(INamedTypeSymbol type, Site site)
    {
        var definition = type.OriginalDefinition;
        var converter = FindConverter(definition);
        if (converter is not null && !IsStringEnumConverter(converter))
            return Unsupported(type, "it has a custom JsonConverter, whose JSON the generator cannot know", site);

        var asString = converter is not null || _options.StringEnums;
        return Declare(definition, site, (enumType, name, _) => asString ? StringEnumDeclaration(enumType, name) : NumericEnumDeclaration(enumType, name));
    }

    private bool IsFlags(INamedTypeSymbol enumType) => HasAttribute(enumType.OriginalDefinition, _known.FlagsAttribute);

    private static IEnumerable<IFieldSymbol> EnumMembers(INamedTypeSymbol enumType) =>
        enumType.OriginalDefinition.GetMembers().OfType<IFieldSymbol>().Where(field => field.HasConstantValue);

    private static string EnumValue(IFieldSymbol member) => Convert.ToString(member.ConstantValue, CultureInfo.InvariantCulture) ?? "0";

    private string NumericEnumDeclaration(INamedTypeSymbol enumType, string name)
    {
        var members = EnumMembers(enumType).ToList();
        var text = new StringBuilder();
        if (members.Count > 0)
        {
            text.Append(IsFlags(enumType) ? "/**\n * Flags, sent as the sum of:\n" : "/**\n");
            foreach (var member in members)
                text.Append(" * ").Append(EnumValue(member)).Append(" = ").Append(member.Name).Append('\n');
            text.Append(" */\n");
        }

        var union = IsFlags(enumType) || members.Count == 0 ? "number" : string.Join(" | ", members.Select(EnumValue).Distinct());
        return text.Append("export type ").Append(name).Append(" = ").Append(union).Append(";\n").ToString();
    }

    private string StringEnumDeclaration(INamedTypeSymbol enumType, string name)
    {
        var text = new StringBuilder();
        if (IsFlags(enumType))
        {
            text.Append("/** Flags, sent as a comma-separated list of: ")
                .Append(string.Join(", ", EnumMembers(enumType).Select(StringEnumName).Distinct()).Replace("*/", "*\\/"))
                .Append(" */\n");
        }
        var union = IsFlags(enumType) ? "string" : StringEnumUnion(enumType);
        return text.Append("export type ").Append(name).Append(" = ").Append(union).Append(";\n").ToString();
    }

    /// <summary><c>'Red' | 'Green'</c>: the names JsonStringEnumConverter writes (<c>[JsonStringEnumMemberName]</c> honoured).</summary>
    private string StringEnumUnion(INamedTypeSymbol enumType)
    {
        var names = EnumMembers(enumType).Select(StringEnumName).Distinct().ToList();
        return names.Count == 0 ? "string" : string.Join(" | ", names.Select(TsSyntax.Quote));
    }

    private string StringEnumName(IFieldSymbol member) => StringArgument(member, _known.JsonStringEnumMemberNameAttribute) ?? member.Name;
}
