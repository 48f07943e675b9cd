using System.Text.Json;
using BenchmarkDotNet.Attributes;

namespace TypedIo.Benchmarks.Micro;

/// <summary>
/// Ways to turn the JSON of one incoming packet into a <see cref="JsonElement"/> that owns its memory (what the untyped
/// API's tree needs, since the message buffer is reused; the decoder itself keeps the bytes): Parse + Clone against the
/// alternatives.
/// </summary>
[MemoryDiagnoser]
public class JsonBaselineBenchmarks
{
    private static readonly byte[] Json = Packets.Echo.AsSpan(1).ToArray(); // ["echo","<64 B>"]
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 32 };

    [Benchmark(Baseline = true, Description = "JsonDocument.Parse + RootElement.Clone (a tree for the untyped API)")]
    public JsonElement ParseClone()
    {
        using var document = JsonDocument.Parse(Json.AsMemory(), Options);
        return document.RootElement.Clone();
    }

    [Benchmark(Description = "JsonElement.ParseValue(ref Utf8JsonReader)")]
    public JsonElement ParseValue()
    {
        var reader = new Utf8JsonReader(Json, new JsonReaderOptions { MaxDepth = 32 });
        return JsonElement.ParseValue(ref reader);
    }

    [Benchmark(Description = "validate only (Utf8JsonReader skip)")]
    public bool ReaderOnly()
    {
        var reader = new Utf8JsonReader(Json, new JsonReaderOptions { MaxDepth = 32 });
        return reader.Read() && reader.TrySkip();
    }
}
