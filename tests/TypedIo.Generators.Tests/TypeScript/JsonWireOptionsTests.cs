using System.Text.Json;
using TypedIo.Generators.Tests.Infrastructure;
using TypedIo.Generators.TypeScript;

namespace TypedIo.Generators.Tests.TypeScript;

/// <summary>The options a hub's JSON context gives the declarations: names as System.Text.Json writes them, and the rest.</summary>
public sealed class JsonWireOptionsTests
{
    private static readonly string[] Names = ["PostalCode", "URLValue", "ID", "Id2Name", "already_snake", "X", "HTMLParserV2", "ÀÉcole", "Value2Name", "a"];

    public static TheoryData<int> Policies => new() { JsonWireOptions.CamelCase, JsonWireOptions.SnakeCaseLower, JsonWireOptions.SnakeCaseUpper, JsonWireOptions.KebabCaseLower, JsonWireOptions.KebabCaseUpper };

    [Theory]
    [MemberData(nameof(Policies))]
    public void Names_are_converted_as_System_Text_Json_converts_them(int policy)
    {
        var reference = policy switch
        {
            JsonWireOptions.CamelCase => JsonNamingPolicy.CamelCase,
            JsonWireOptions.SnakeCaseLower => JsonNamingPolicy.SnakeCaseLower,
            JsonWireOptions.SnakeCaseUpper => JsonNamingPolicy.SnakeCaseUpper,
            JsonWireOptions.KebabCaseLower => JsonNamingPolicy.KebabCaseLower,
            _ => JsonNamingPolicy.KebabCaseUpper,
        };
        var options = JsonWireOptions.Default with { NamingPolicy = policy };

        Assert.Equal(Names.Select(reference.ConvertName), Names.Select(options.ConvertName));
    }

    [Fact]
    public void A_hub_s_context_options_shape_its_declarations()
    {
        var result = GeneratorRunner.Run("""
            #nullable enable
            using System.Threading.Tasks;
            using System.Text.Json;
            using System.Text.Json.Serialization;
            using TypedIo;

            public enum Speed { Slow, Fast }
            public sealed record Item(string PostalCode, Speed Speed, string? Note, int Count, float Ratio, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Kept);
            public sealed record Plain(string PostalCode, int Count);
            public interface IHub { Task<Item> Echo(Item item); }
            public interface IClient { }
            public interface IPlainHub { Task<Plain> Echo(Plain plain); }

            [JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.KebabCaseUpper, UseStringEnumConverter = true,
                DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, NumberHandling = JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowNamedFloatingPointLiterals)]
            [JsonSerializable(typeof(Item))]
            internal sealed partial class ItemContext : JsonSerializerContext;

            [JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
            internal sealed partial class WebContext : JsonSerializerContext;

            [SocketHub("/items", JsonContext = typeof(ItemContext))]
            public sealed partial class ItemsHub : SocketHub<IClient>, IHub { public Task<Item> Echo(Item item) => Task.FromResult(item); }

            [SocketHub("/plain", JsonContext = typeof(WebContext))]
            public sealed partial class PlainHub : SocketHub<IClient>, IPlainHub { public Task<Plain> Echo(Plain plain) => Task.FromResult(plain); }
            """);

        Assert.Empty(result.Diagnostics);
        Assert.DoesNotContain(result.Output.GetDiagnostics(), d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error && d.Id is not ("CS0534" or "CS7036")); // the System.Text.Json generator does not run here
        var text = result.Source("TypedIo.TypeScript.g.cs");
        Assert.Contains("export interface Item {\n  'POSTAL-CODE': string;\n  SPEED: Speed;\n  NOTE?: string | null;\n  COUNT: string;\n  RATIO: string;\n  KEPT: string | null;\n}\n", text, StringComparison.Ordinal);
        Assert.Contains("export interface ItemInput {\n  'POSTAL-CODE': string;\n  SPEED: Speed;\n  NOTE?: string | null;\n  COUNT: number;\n  RATIO: number | 'NaN' | 'Infinity' | '-Infinity';\n  KEPT: string | null;\n}\n", text, StringComparison.Ordinal);
        Assert.Contains("export type Speed = 'Slow' | 'Fast';", text, StringComparison.Ordinal);
        // JsonSerializerDefaults.Web: camelCase, numbers read from strings too.
        Assert.Contains("export interface PlainInput {\n  postalCode: string;\n  count: number | string;\n}\n", text, StringComparison.Ordinal);
        Assert.Contains("export interface Plain {\n  postalCode: string;\n  count: number;\n}\n", text, StringComparison.Ordinal);
    }
}
