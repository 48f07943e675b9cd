using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using TypedIo.SocketIo;
using TypedIo.Tests.Infrastructure;
using TypedIo.Tests.SocketIo;

namespace TypedIo.Tests.Typed;

/// <summary>
/// The table of docs/typed-hubs.md, "Every supported type on the wire", rebuilt from the real parts: the TypeScript of
/// the generated declarations (WireTypesHub), the JSON the server writes with its default options, and what the real
/// socket.io-client in Node receives in the ack of an echo. The documented table must be exactly this one
/// (<c>TYPEDIO_ACCEPT=1</c> rewrites it).
/// </summary>
public sealed partial class WireTypesTableTests
{
    private const string Begin = "<!-- wire-types:begin (written and checked by WireTypesTableTests: do not edit by hand) -->";
    private const string End = "<!-- wire-types:end -->";

    /// <summary>Event (the C# type), the type, a sample a client sends, whether it travels as binary.</summary>
    private static readonly (string Event, Type Type, JsonNode? Sample, bool Binary)[] Samples =
    [
        ("bool", typeof(bool), true, false),
        ("int", typeof(int), 42, false),
        ("long", typeof(long), 9007199254740991L, false),
        ("double", typeof(double), 1.5, false),
        ("float", typeof(float), 0.25, false),
        ("decimal", typeof(decimal), 12.34m, false),
        ("byte", typeof(byte), 255, false),
        ("char", typeof(char), "x", false),
        ("string", typeof(string), "hi", false),
        ("string?", typeof(string), null, false),
        ("int?", typeof(int?), null, false),
        ("Guid", typeof(Guid), "6f9619ff-8b86-d011-b42d-00cf4fc964ff", false),
        ("DateTime", typeof(DateTime), "2024-01-02T03:04:05Z", false),
        ("DateTimeOffset", typeof(DateTimeOffset), "2024-01-02T03:04:05+01:00", false),
        ("DateOnly", typeof(DateOnly), "2024-01-02", false),
        ("TimeOnly", typeof(TimeOnly), "03:04:05", false),
        ("TimeSpan", typeof(TimeSpan), "1.02:03:04", false),
        ("Uri", typeof(Uri), "https://example.com/a?b=c", false),
        ("enum", typeof(WireLevel), 1, false),
        ("string enum", typeof(WireMood), "Sad", false),
        ("byte[]", typeof(byte[]), new JsonArray(1, 2, 3), true),
        ("ReadOnlyMemory<byte>", typeof(ReadOnlyMemory<byte>), new JsonArray(4, 5), true),
        ("int[]", typeof(int[]), new JsonArray(1, 2), false),
        ("List<string>", typeof(List<string>), new JsonArray("a", "b"), false),
        ("Dictionary<string, int>", typeof(Dictionary<string, int>), new JsonObject { ["a"] = 1 }, false),
        ("record", typeof(WirePoint), new JsonObject { ["x"] = 1, ["y"] = 2 }, false),
        ("JsonElement", typeof(JsonElement), new JsonObject { ["any"] = new JsonArray(1, "two", null) }, false),
    ];

    [Fact]
    public async Task The_documented_table_is_what_the_declarations_the_server_and_the_real_client_do()
    {
        await using var host = await TestHost.StartAsync(app => app.MapTypedIo(), services => services.AddTypedIo().AddSocketHub<WireTypesHub>());
        var options = ((JsonPacketParser)host.Services.GetRequiredSocketIo().Parser).SerializerOptions;
        var samples = new JsonArray([.. Samples.Select(s => (JsonNode)new JsonArray(s.Event, s.Sample?.DeepClone(), s.Binary))]);

        await using var script = NodeScript.Start("typed-table/wire-types-client.mjs", host.BaseAddress.ToString(), samples.ToJsonString());
        var result = await script.WaitForEventAsync("result", TimeSpan.FromSeconds(60));
        var received = result.GetProperty("received").EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!);

        var table = new StringBuilder();
        table.Append("| C# | TypeScript, received | TypeScript, sent | JSON on the wire | socket.io-client (Node) gets |\n");
        table.Append("|---|---|---|---|---|\n");
        foreach (var (name, type, sample, binary) in Samples)
        {
            var (typeScriptIn, typeScriptOut) = Declared(name);
            string json;
            if (binary)
            {
                json = "a binary attachment";
            }
            else
            {
                var value = JsonSerializer.Deserialize(sample?.ToJsonString() ?? "null", type, options);
                json = "`" + JsonSerializer.Serialize(value, type, options) + "`";
                Assert.Equal(JsonSerializer.Serialize(value, type, options), received[name].GetProperty("json").GetString());
            }
            var csharp = name switch { "enum" => "an enum", "string enum" => "an enum with `JsonStringEnumConverter`", "record" => "a record", _ => "`" + name + "`" };
            table.Append("| ").Append(csharp)
                .Append(" | ").Append(Code(typeScriptOut))
                .Append(" | ").Append(Code(typeScriptIn))
                .Append(" | ").Append(json.Replace("|", "\\|", StringComparison.Ordinal))
                .Append(" | ").Append(received[name].GetProperty("kind").GetString())
                .Append(" |\n");
        }

        var path = Path.Combine(NodeScript.JsDirectory, "..", "..", "docs", "typed-hubs.md");
        var doc = File.ReadAllText(path);
        var start = doc.IndexOf(Begin, StringComparison.Ordinal);
        var end = doc.IndexOf(End, StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, $"docs/typed-hubs.md has no section between '{Begin}' and '{End}'.");
        var documented = doc[(start + Begin.Length)..end].Trim('\n');
        var expected = table.ToString().TrimEnd('\n');
        if (documented != expected && Environment.GetEnvironmentVariable("TYPEDIO_ACCEPT") == "1")
        {
            File.WriteAllText(path, doc[..(start + Begin.Length)] + "\n" + expected + "\n" + doc[end..]);
            return;
        }
        Assert.True(documented == expected, "The table in docs/typed-hubs.md differs from what the parts do (TYPEDIO_ACCEPT=1 rewrites it):\n" + expected);
    }

    /// <summary>The type in backticks; a declared one followed by its declaration (<c>WireLevel</c> (<c>0 | 1</c>)).</summary>
    private static string Code(string typeScript)
    {
        static string Escape(string text) => "`" + text.Replace("|", "\\|", StringComparison.Ordinal) + "`";
        var declarations = TypedIo.Generated.TypeScriptDeclarations.Text.Replace("\r", "", StringComparison.Ordinal);
        var alias = Regex.Match(declarations, "^export type " + Regex.Escape(typeScript) + " = (?<type>.+);$", RegexOptions.Multiline);
        if (alias.Success)
            return Escape(typeScript) + " (" + Escape(alias.Groups["type"].Value) + ")";
        var shape = Regex.Match(declarations, "^export interface " + Regex.Escape(typeScript) + " \\{\n(?<members>(  .+\n)*)\\}", RegexOptions.Multiline);
        if (shape.Success)
            return Escape(typeScript) + " (" + Escape("{ " + string.Join(" ", shape.Groups["members"].Value.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(m => m.Trim())) + " }") + ")";
        return Escape(typeScript);
    }

    /// <summary>The parameter (sent) and ack (received) types of event <paramref name="name"/> in the generated declarations.</summary>
    private static (string In, string Out) Declared(string name)
    {
        foreach (Match match in EventLine().Matches(TypedIo.Generated.TypeScriptDeclarations.Text))
        {
            if (match.Groups["name"].Value == name)
                return (match.Groups["in"].Value, match.Groups["out"].Value);
        }
        throw new InvalidOperationException($"Event '{name}' is not declared.");
    }

    [GeneratedRegex(@"^  '?(?<name>[^':]+)'?: \(value: (?<in>.+), callback: \(result: (?<out>.+) \| TypedIoRejection\) => void\) => void;$", RegexOptions.Multiline)]
    private static partial Regex EventLine();
}
