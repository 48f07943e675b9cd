using System.Globalization;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;

namespace TypedIo.Generators.TypeScript;

/// <summary>
/// The System.Text.Json options that shape the JSON of a hub's contracts, as the generator reads them from the
/// <c>[JsonSourceGenerationOptions]</c> of the context named by <c>[SocketHub(JsonContext = typeof(...))]</c>; without
/// one, the server's default options (camelCase, enums as numbers, nothing ignored, numbers as numbers).
/// </summary>
internal sealed record JsonWireOptions(int NamingPolicy, bool StringEnums, int IgnoreCondition, int NumberHandling)
{
    // JsonKnownNamingPolicy.
    public const int Unspecified = 0, CamelCase = 1, SnakeCaseLower = 2, SnakeCaseUpper = 3, KebabCaseLower = 4, KebabCaseUpper = 5;

    // JsonNumberHandling flags.
    public const int AllowReadingFromString = 1, WriteAsString = 2, AllowNamedFloatingPointLiterals = 4;

    /// <summary>What the server uses when the app does not replace its options.</summary>
    public static JsonWireOptions Default { get; } = new(CamelCase, StringEnums: false, IgnoreCondition: 0, NumberHandling: 0);

    /// <summary>The options of a context's <c>[JsonSourceGenerationOptions]</c> (none: the library's defaults, names as in C#).</summary>
    public static JsonWireOptions FromContext(INamedTypeSymbol context)
    {
        var attribute = context.GetAttributes().FirstOrDefault(a =>
            a.AttributeClass?.ToDisplayString() == "System.Text.Json.Serialization.JsonSourceGenerationOptionsAttribute");
        if (attribute is null)
            return new JsonWireOptions(Unspecified, false, 0, 0);

        // JsonSerializerDefaults.Web (1): camelCase and numbers read from strings, unless set explicitly.
        var web = attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is int defaults && defaults == 1;
        var naming = web ? CamelCase : Unspecified;
        var numbers = web ? AllowReadingFromString : 0;
        var stringEnums = false;
        var ignore = 0;
        foreach (var named in attribute.NamedArguments)
        {
            switch (named.Key)
            {
                case "PropertyNamingPolicy" when named.Value.Value is int policy:
                    naming = policy;
                    break;
                case "UseStringEnumConverter" when named.Value.Value is bool value:
                    stringEnums = value;
                    break;
                case "DefaultIgnoreCondition" when named.Value.Value is int condition:
                    ignore = condition;
                    break;
                case "NumberHandling" when named.Value.Value is int handling:
                    numbers = handling;
                    break;
            }
        }
        return new JsonWireOptions(naming, stringEnums, ignore, numbers);
    }

    /// <summary>Whether a number reads differently from what is written (a client may send a string where it receives a number, or the reverse).</summary>
    public bool NumbersDiffer => (NumberHandling & (AllowReadingFromString | WriteAsString)) != 0;

    /// <summary>A member name as the naming policy writes it.</summary>
    public string ConvertName(string name) => NamingPolicy switch
    {
        CamelCase => JsonCamelCase.Convert(name),
        SnakeCaseLower => Separated(name, '_', lower: true),
        SnakeCaseUpper => Separated(name, '_', lower: false),
        KebabCaseLower => Separated(name, '-', lower: true),
        KebabCaseUpper => Separated(name, '-', lower: false),
        _ => name,
    };

    /// <summary>System.Text.Json's separator naming policies (<c>PostalCode</c> → <c>postal_code</c>, <c>URLValue</c> → <c>url_value</c>).</summary>
    private static string Separated(string name, char separator, bool lower)
    {
        var result = new StringBuilder(name.Length + 4);
        var state = 0; // 0 not started, 1 upper, 2 lower or digit, 3 space
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            switch (char.GetUnicodeCategory(c))
            {
                case UnicodeCategory.UppercaseLetter:
                    if (state == 2 || state == 3 || (state == 1 && i + 1 < name.Length && char.IsLower(name[i + 1])))
                        result.Append(separator);
                    result.Append(lower ? char.ToLowerInvariant(c) : c);
                    state = 1;
                    break;
                case UnicodeCategory.LowercaseLetter or UnicodeCategory.DecimalDigitNumber:
                    if (state == 3)
                        result.Append(separator);
                    result.Append(lower ? c : char.ToUpperInvariant(c));
                    state = 2;
                    break;
                case UnicodeCategory.SpaceSeparator:
                    if (state != 0)
                        state = 3;
                    break;
                default:
                    result.Append(c);
                    state = 0;
                    break;
            }
        }
        return result.ToString();
    }
}
