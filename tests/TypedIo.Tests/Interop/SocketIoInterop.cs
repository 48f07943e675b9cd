using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Tests.Interop;

/// <summary>
/// Runs <c>tests/js/socketio/client.mjs</c> (the real socket.io-client 4.8.1) against a fixture process and compares JSON
/// the way the Socket.IO interop tests need: binary as <c>{"$bin": base64}</c>, object keys in any order.
/// </summary>
internal static class SocketIoInterop
{
    public const string Script = "socketio/client.mjs";

    /// <summary>How long a scenario may take; the script's own overall timeout (60 s unless given) is shorter.</summary>
    public static readonly TimeSpan ScenarioTimeout = TimeSpan.FromSeconds(120);

    public static TheoryData<string> Modes => new() { "polling", "websocket", "upgrade" };

    /// <summary>Runs a scenario to its end and returns its <c>result</c> event; failures carry both processes' output.</summary>
    public static async Task<JsonObject> RunAsync(FixtureProcess fixture, string mode, string scenario, JsonObject? options = null, TimeSpan? timeout = null)
    {
        await using var script = Start(fixture, mode, scenario, options);
        return await ResultAsync(fixture, script, timeout);
    }

    /// <summary>Starts a scenario; read its events with <see cref="ResultAsync"/> or <see cref="Wrap{T}"/>.</summary>
    public static NodeScript Start(FixtureProcess fixture, string mode, string scenario, JsonObject? options = null) =>
        NodeScript.Start(Script, fixture.Url, mode, scenario, (options ?? []).ToJsonString());

    /// <summary>Waits for the script's <c>result</c> event and its successful exit.</summary>
    public static Task<JsonObject> ResultAsync(FixtureProcess fixture, NodeScript script, TimeSpan? timeout = null) =>
        Wrap(fixture, async () =>
        {
            var result = await script.WaitForEventAsync("result", timeout ?? ScenarioTimeout);
            await script.WaitForSuccessAsync(TimeSpan.FromSeconds(30));
            return (JsonObject)JsonNode.Parse(result.GetRawText())!;
        });

    /// <summary>Adds the fixture's output to a script failure.</summary>
    public static async Task<T> Wrap<T>(FixtureProcess fixture, Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (NodeScriptException ex)
        {
            throw new NodeScriptException($"{ex.Message}\n{fixture.Output}");
        }
    }

    // ---- values ----

    /// <summary>Binary for the script to send as the given JS type: Buffer, Uint8Array or ArrayBuffer.</summary>
    public static JsonObject Bin(string jsType, params byte[] bytes) =>
        new() { ["$bin"] = Convert.ToBase64String(bytes), ["as"] = jsType };

    /// <summary>What the script reports for received binary: the same, without the JS type it was sent as.</summary>
    public static JsonNode? Received(JsonNode? sent) => sent switch
    {
        JsonObject o when o.ContainsKey("$bin") => new JsonObject { ["$bin"] = o["$bin"]!.DeepClone() },
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, Received(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(Received)]),
        _ => sent?.DeepClone(),
    };

    /// <summary>How many binary values (<c>$bin</c> objects) a value holds.</summary>
    public static int CountBinaries(JsonNode? node) => node switch
    {
        JsonObject o when o.ContainsKey("$bin") => 1,
        JsonObject o => o.Sum(p => CountBinaries(p.Value)),
        JsonArray a => a.Sum(CountBinaries),
        _ => 0,
    };

    public static JsonArray Arr(params JsonNode?[] items) => [.. items];

    public static JsonArray Strings(IEnumerable<string> items) => [.. items.Select(i => (JsonNode?)i)];

    /// <summary>Fails unless both are the same JSON (object keys in any order), showing both canonically.</summary>
    public static void AssertJson(JsonNode? expected, JsonNode? actual, string what)
    {
        var e = Canonical(expected);
        var a = Canonical(actual);
        Assert.True(e == a, $"{what}:\nexpected {e}\nactual   {a}");
    }

    /// <summary>JSON text with object keys sorted ordinally, strings and numbers written the same way whatever their source.</summary>
    public static string Canonical(JsonNode? node)
    {
        using var document = JsonDocument.Parse(node?.ToJsonString() ?? "null");
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
            Write(writer, document.RootElement);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void Write(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    Write(writer, property.Value);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                    Write(writer, item);
                writer.WriteEndArray();
                break;
            case JsonValueKind.String:
                writer.WriteStringValue(element.GetString());
                break;
            case JsonValueKind.Number:
                writer.WriteRawValue(element.GetRawText());
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}
