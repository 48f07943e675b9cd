using System.Text.Json;
using TypedIo.Generators.Tests.Infrastructure;

namespace TypedIo.Generators.Tests;

/// <summary>
/// The AsyncAPI 3.0 document the generator writes per hub: valid for the maintained parser (@asyncapi/parser, from
/// tests/js), with the hub's namespace as channel, every event as an operation in its direction, acks as replies,
/// and payloads as JSON Schema of the wire (JSON names, enums, binary, nullability, the refusal envelope).
/// </summary>
public sealed class AsyncApiDocumentTests
{
    private const string Contracts = """
        #nullable enable
        using System;
        using System.Collections.Generic;
        using System.Text.Json.Nodes;
        using System.Text.Json.Serialization;
        using System.Threading.Tasks;
        using TypedIo;

        namespace Shop;

        [JsonConverter(typeof(JsonStringEnumConverter<Mood>))] public enum Mood { Happy, Sad }
        public enum Level { Low = 1, High = 5 }
        [JsonDerivedType(typeof(Circle), "circle")] [JsonDerivedType(typeof(Square), "square")]
        public abstract record Shape(string Color);
        public sealed record Circle(string Color, double Radius) : Shape(Color);
        public sealed record Square(string Color, double Side) : Shape(Color);
        public sealed record Tree(string Name, List<Tree> Children);
        public sealed record Order([property: JsonPropertyName("order_id")] Guid Id, string? Note, Mood Mood, Level Level,
            Dictionary<string, int> Counts, byte[] Receipt, Tree Tree, Page<Shape> Shapes);
        public sealed record Page<T>(IReadOnlyList<T> Items, int Total);

        public interface IShopHub
        {
            Task<string> Place(Order order);
            [Event("cart:add")] Task Add(string sku, int quantity);
            Task Relay(string name, params JsonNode?[] rest);
        }

        public interface IShopClient
        {
            Task Placed(Order order);
            Task<bool> Confirm(string question);
        }

        [SocketHub("/shop")]
        public sealed partial class ShopHub : SocketHub<IShopClient>, IShopHub
        {
            public Task<string> Place(Order order) => Task.FromResult("1");
            public Task Add(string sku, int quantity) => Task.CompletedTask;
            public Task Relay(string name, params JsonNode?[] rest) => Task.CompletedTask;
        }

        public interface IRoomHub { Task<int> Join(string name); }
        public interface IRoomClient { }

        [SocketHub(NamespacePattern = "^/room-[0-9]+$")]
        public sealed partial class RoomHub : SocketHub<IRoomClient>, IRoomHub { public Task<int> Join(string name) => Task.FromResult(1); }
        """;

    [Fact]
    public async Task Each_hub_gets_a_valid_AsyncAPI_3_document_of_its_wire()
    {
        var result = GeneratorRunner.Run(Contracts);
        Assert.Empty(result.Diagnostics);
        Assert.Empty(result.CompilationProblems);

        var work = Directory.CreateTempSubdirectory("typedio-asyncapi-");
        var shop = Path.Combine(work.FullName, "Shop.ShopHub.asyncapi.json");
        var room = Path.Combine(work.FullName, "Shop.RoomHub.asyncapi.json");
        File.WriteAllText(shop, Document(result, "TypedIo.AsyncApi.Shop.ShopHub.g.cs"));
        File.WriteAllText(room, Document(result, "TypedIo.AsyncApi.Shop.RoomHub.g.cs"));

        var validator = Path.Combine(RepositoryPaths.RepositoryRoot, "tests", "js", "typed-asyncapi", "validate.mjs");
        Assert.True(File.Exists(Path.Combine(RepositoryPaths.RepositoryRoot, "tests", "js", "node_modules", "@asyncapi", "parser", "package.json")),
            "@asyncapi/parser is not installed: run `npm ci` in tests/js.");
        var (exitCode, output) = await ProcessRun.RunAsync(Path.GetDirectoryName(validator)!, TimeSpan.FromMinutes(2), "node", [validator, shop, room]);
        Assert.True(exitCode == 0, output);
        using var report = JsonDocument.Parse(output.Split('\n').Single(l => l.StartsWith("{\"event\":\"result\"", StringComparison.Ordinal)));
        var documents = report.RootElement.GetProperty("documents").EnumerateArray().ToList();
        foreach (var document in documents)
            Assert.True(document.GetProperty("errors").GetArrayLength() == 0, document.GetProperty("errors").GetRawText());

        var shopReport = documents[0];
        Assert.Equal("3.0.0", shopReport.GetProperty("version").GetString());
        Assert.Equal("""["/shop"]""", shopReport.GetProperty("channels").GetRawText());
        Assert.Equal(
            """["receive receive_place (reply)","receive receive_cart_add","receive receive_relay","send send_placed","send send_confirm (reply)","send send_typedio_error"]""",
            shopReport.GetProperty("operations").GetRawText());
        Assert.Equal("""[null]""", documents[1].GetProperty("channels").GetRawText());

        using var json = JsonDocument.Parse(File.ReadAllText(shop));
        var components = json.RootElement.GetProperty("components");
        var order = components.GetProperty("schemas").GetProperty("Order");
        Assert.Equal(
            """{"type":"object","properties":{"order_id":{"type":"string","format":"uuid"},"note":{"anyOf":[{"type":"string"},{"type":"null"}]},"mood":{"$ref":"#/components/schemas/Mood"},"level":{"$ref":"#/components/schemas/Level"},"counts":{"type":"object","additionalProperties":{"type":"integer"}},"receipt":{"type":"string","format":"binary","description":"Binary data: a Socket.IO binary attachment in place of this value (an ArrayBuffer or view sent, an ArrayBuffer or Buffer received)."},"tree":{"$ref":"#/components/schemas/Tree"},"shapes":{"$ref":"#/components/schemas/Page_Shape"}},"required":["order_id","note","mood","level","counts","receipt","tree","shapes"]}""",
            order.GetRawText());
        Assert.Equal("""{"type":"string","enum":["Happy","Sad"]}""", components.GetProperty("schemas").GetProperty("Mood").GetRawText());
        Assert.Equal("""[{"oneOf":[{"type":"string"},{"$ref":"#/components/schemas/TypedIoRejection"}]}]""",
            components.GetProperty("messages").GetProperty("receive_place_ack").GetProperty("payload").GetProperty("items").GetRawText());
        Assert.Equal("cart:add", components.GetProperty("messages").GetProperty("receive_cart_add").GetProperty("name").GetString());
        Assert.Equal("""{"type":"array","items":[{"type":"string"},{"type":"integer"}],"minItems":2,"maxItems":2,"additionalItems":false}""",
            components.GetProperty("messages").GetProperty("receive_cart_add").GetProperty("payload").GetRawText());
        work.Delete(recursive: true);
    }

    /// <summary>The JSON cut out of the generated constant, as the build does.</summary>
    internal static string Document(GeneratorResult result, string hintName)
    {
        var source = result.Source(hintName);
        var start = source.IndexOf("@\"", StringComparison.Ordinal) + 2;
        var end = source.LastIndexOf("\";", StringComparison.Ordinal);
        return source[start..end].Replace("\"\"", "\"", StringComparison.Ordinal);
    }
}
