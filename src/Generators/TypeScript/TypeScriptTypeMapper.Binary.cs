using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace TypedIo.Generators.TypeScript;

// Which named types hold binary (or numbers, when the number handling reads and writes them differently) somewhere
// inside: they get a second declaration for what a client sends.
internal sealed partial class TypeScriptTypeMapper
{
    private readonly Dictionary<INamedTypeSymbol, bool> _reachesBinary = new(SymbolEqualityComparer.Default);

    /// <summary>
    /// Whether a value of <paramref name="definition"/> (its type parameters left open) can hold binary: a member, an
    /// element, a dictionary value, a type argument of a member's type or a derived type, at any depth.
    /// </summary>
    private bool ReachesBinary(INamedTypeSymbol definition)
    {
        if (_reachesBinary.TryGetValue(definition, out var known))
            return known;
        var visiting = new HashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default);
        var result = DefinitionReachesBinary(definition, visiting);
        // Without binary, nothing visited on the way reaches it either; with, only the start is sure to.
        if (result)
            _reachesBinary[definition] = true;
        else
            foreach (var visited in visiting)
                _reachesBinary[visited] = false;
        return result;
    }

    private bool DefinitionReachesBinary(INamedTypeSymbol definition, HashSet<INamedTypeSymbol> visiting)
    {
        if (_reachesBinary.TryGetValue(definition, out var known))
            return known;
        if (!visiting.Add(definition))
            return false; // a cycle: the members on it are looked at where it started

        foreach (var attribute in definition.GetAttributes())
        {
            if (TypeScriptKnownTypes.Is(attribute.AttributeClass, _known.JsonDerivedTypeAttribute)
                && attribute.ConstructorArguments.Length > 0 && attribute.ConstructorArguments[0].Value is ITypeSymbol derived
                && TypeReachesBinary(derived, visiting))
                return true;
        }
        for (var type = definition; type is not null && type.SpecialType is not (SpecialType.System_Object or SpecialType.System_ValueType); type = type.BaseType)
        {
            foreach (var member in type.GetMembers())
            {
                var memberType = member switch
                {
                    IPropertySymbol { IsStatic: false, IsIndexer: false } property => property.Type,
                    IFieldSymbol { IsStatic: false, IsConst: false, IsImplicitlyDeclared: false } field when HasAttribute(field, _known.JsonIncludeAttribute) => field.Type,
                    _ => null,
                };
                if (memberType is not null && IgnoreCondition(member) != IgnoreAlways && TypeReachesBinary(memberType, visiting))
                    return true;
            }
        }
        return false;
    }

    private bool IsNumber(ITypeSymbol type) =>
        type.SpecialType is >= SpecialType.System_SByte and <= SpecialType.System_Double
        || (type is INamedTypeSymbol named && _known.KindOf(named) == KnownKind.Number);

    private bool TypeReachesBinary(ITypeSymbol type, HashSet<INamedTypeSymbol> visiting)
    {
        type = NullableUnderlying(type) ?? type;
        if (IsBinary(type) || (_options.NumbersDiffer && IsNumber(type)))
            return true;
        switch (type)
        {
            case IArrayTypeSymbol array:
                return TypeReachesBinary(array.ElementType, visiting);
            case INamedTypeSymbol named:
                if (named.SpecialType != SpecialType.None || named.TypeKind is TypeKind.Enum or TypeKind.Delegate)
                    return false;
                foreach (var argument in AllTypeArguments(named))
                {
                    if (TypeReachesBinary(argument, visiting))
                        return true;
                }
                if (_known.KindOf(named) != KnownKind.None || FindDictionary(named) is not null || FindEnumerableElement(named) is not null)
                    return false; // their binary can only come through a type argument
                return named.TypeKind is TypeKind.Class or TypeKind.Struct or TypeKind.Interface
                    && named.OriginalDefinition.ContainingNamespace?.ToDisplayString() is not ("System" or "System.Collections.Generic")
                    && DefinitionReachesBinary(named.OriginalDefinition, visiting);
            default:
                return false;
        }
    }
}
