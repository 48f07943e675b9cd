using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace TypedIo.SocketIo;

/// <summary>
/// The JSON payload of a received EVENT (<c>["name", arg, ...]</c>) kept as its bytes, with where each element
/// starts and ends. Typed hub parameters deserialize their argument straight from these bytes; a
/// <see cref="JsonElement"/> tree is built only when something asks for one (the untyped API: <c>socket.On</c>
/// handlers, catch-all listeners, middleware reading the arguments), once per packet.
/// </summary>
internal sealed class EventPayload
{
    private readonly byte[] _json;
    private readonly int[] _bounds; // start and length of each element of the array, in order
    private readonly int _maxDepth;
    private StrongBox<JsonElement>? _element;

    private EventPayload(byte[] json, int[] bounds, int maxDepth)
    {
        _json = json;
        _bounds = bounds;
        _maxDepth = maxDepth;
    }

    /// <summary>The number of elements of the array: the event name and the arguments.</summary>
    public int Count => _bounds.Length / 2;

    /// <summary>The JSON text of element <paramref name="index"/> (0 is the event name), exactly as received.</summary>
    public ReadOnlySpan<byte> this[int index] => _json.AsSpan(_bounds[2 * index], _bounds[(2 * index) + 1]);

    /// <summary>The whole payload as a JSON tree, parsed on first use (the same tree for every caller).</summary>
    public JsonElement Element
    {
        get
        {
            var parsed = Volatile.Read(ref _element);
            if (parsed is null)
            {
                // Already validated (depth included) by Scan: this cannot fail.
                using var document = JsonDocument.Parse(_json, new JsonDocumentOptions { MaxDepth = _maxDepth });
                Interlocked.CompareExchange(ref _element, new StrongBox<JsonElement>(document.RootElement.Clone()), null);
                parsed = _element!;
            }
            return parsed.Value;
        }
    }

    /// <summary>Whether the tree was built (for tests).</summary>
    internal bool IsParsed => Volatile.Read(ref _element) is not null;

    /// <summary>
    /// The event name: <paramref name="known"/> itself when the name is the same text (a client mostly repeats a few
    /// names, so this saves a string per event), a new string otherwise.
    /// </summary>
    public string ReadName(string? known)
    {
        var reader = new Utf8JsonReader(this[0]);
        reader.Read();
        return known is not null && reader.ValueTextEquals(known) ? known : reader.GetString()!;
    }

    /// <summary>
    /// Checks an EVENT payload in one pass of <see cref="Utf8JsonReader"/>, with the same outcome as parsing it into a
    /// document and applying <see cref="PayloadRules"/>: valid JSON no deeper than <paramref name="maxDepth"/>, a
    /// non-empty array, a well-formed string first that is not a reserved name. Returns the reason when it does not fit.
    /// </summary>
    public static string? TryScan(ReadOnlyMemory<byte> json, int maxDepth, out EventPayload? payload)
    {
        payload = null;
        var span = json.Span;
        var reader = new Utf8JsonReader(span, new JsonReaderOptions { MaxDepth = maxDepth });
        var scratch = ArrayPool<int>.Shared.Rent(16);
        var count = 0;
        string? rule = null;
        try
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                rule = "EVENT payload must be a non-empty array";
                reader.Skip();
            }
            else
            {
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    var start = (int)reader.TokenStartIndex;
                    if (count == 0)
                        rule = PayloadRules.CheckEventName(ref reader);
                    reader.Skip();
                    if (count + 2 > scratch.Length)
                    {
                        var bigger = ArrayPool<int>.Shared.Rent(scratch.Length * 2);
                        scratch.AsSpan(0, count).CopyTo(bigger);
                        ArrayPool<int>.Shared.Return(scratch);
                        scratch = bigger;
                    }
                    scratch[count++] = start;
                    scratch[count++] = (int)reader.BytesConsumed - start;
                }
                if (count == 0)
                    rule = "EVENT payload must be a non-empty array";
            }
            // Nothing but whitespace may follow the value (the reader throws otherwise).
            while (reader.Read())
            {
            }
        }
        catch (JsonException)
        {
            ArrayPool<int>.Shared.Return(scratch);
            return "invalid JSON payload";
        }
        if (rule is null)
            payload = new EventPayload(span.ToArray(), scratch.AsSpan(0, count).ToArray(), maxDepth);
        ArrayPool<int>.Shared.Return(scratch);
        return rule;
    }
}
