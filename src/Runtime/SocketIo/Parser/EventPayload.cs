using System.Text.Json;

namespace TypedIo.SocketIo;

/// <summary>
/// The JSON payload of a received EVENT (<c>["name", arg, ...]</c>) or ACK (<c>[arg, ...]</c>) kept as its bytes, with where each element
/// starts and ends. Typed hub parameters deserialize their argument straight from these bytes; a
/// <see cref="JsonElement"/> tree is built only when something asks for one (the untyped API: <c>socket.On</c>
/// handlers, catch-all listeners, middleware reading the arguments), once per packet.
/// </summary>
/// <remarks>
/// A struct held in a field of the <see cref="SocketArgs"/> that carries it, so an event costs no object of its own:
/// it must never be copied once made (its tree and element bounds are filled in place), so it is used only through
/// that field, which is not readonly.
/// </remarks>
internal struct EventPayload
{
    // The bytes passed TryScan, depth limit included, so reading them again needs no limit of its own (and keeps none).
    private static readonly JsonReaderOptions Validated = new() { MaxDepth = int.MaxValue };

    private readonly byte[] _json;
    private int[]? _bounds; // start and length of each element of the array, found on first use
    private JsonDocument? _document;
    private readonly int _count;
    private readonly int _first;

    private EventPayload(byte[] json, int count, int first)
    {
        _json = json;
        _count = count;
        _first = first;
    }

    /// <summary>
    /// The same payload whose arguments start at element <paramref name="first"/>: shares the bytes, and the tree and
    /// bounds already made (what either makes later is its own).
    /// </summary>
    public readonly EventPayload From(int first)
    {
        var copy = new EventPayload(_json, _count, first);
        copy._bounds = Volatile.Read(in _bounds);
        copy._document = Volatile.Read(in _document);
        return copy;
    }

    /// <summary>The element the arguments start at: 1 for an event (after its name).</summary>
    public readonly int First => _first;

    /// <summary>Whether this holds a payload (false for the default value).</summary>
    public readonly bool HasValue => _json is not null;

    /// <summary>The number of elements of the array: the event name and the arguments.</summary>
    public readonly int Count => _count;

    /// <summary>The JSON text of element <paramref name="index"/> (0 is the event name), exactly as received.</summary>
    public ReadOnlySpan<byte> this[int index]
    {
        get
        {
            var bounds = Bounds;
            return _json.AsSpan(bounds[2 * index], bounds[(2 * index) + 1]);
        }
    }

    /// <summary>The whole payload as a JSON tree, parsed on first use (the same tree for every caller).</summary>
    public JsonElement Element
    {
        get
        {
            var document = Volatile.Read(ref _document);
            if (document is null)
            {
                // Over the payload's own bytes, which never change: no copy, and not disposed (its metadata, rented
                // from the shared pool, goes to the GC with the packet; Clone would copy bytes and metadata again).
                // Already validated, depth included, by TryScan: this cannot fail.
                document = JsonDocument.Parse(_json, new JsonDocumentOptions { MaxDepth = Validated.MaxDepth });
                document = Interlocked.CompareExchange(ref _document, document, null) ?? document;
            }
            return document.RootElement;
        }
    }

    /// <summary>Whether the tree was built (for tests).</summary>
    internal readonly bool IsParsed => Volatile.Read(in _document) is not null;

    // Found again on first use rather than kept from TryScan: a packet read only through the tree never needs them.
    private int[] Bounds
    {
        get
        {
            if (Volatile.Read(ref _bounds) is { } known)
                return known;
            var result = new int[2 * _count];
            Walk(result);
            Volatile.Write(ref _bounds, result);
            return result;
        }
    }

    // Writes where each element of the array starts and how long it is.
    private readonly void Walk(int[] bounds)
    {
        var reader = new Utf8JsonReader(_json, Validated);
        var count = 0;
        reader.Read();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            bounds[2 * count] = start;
            bounds[(2 * count) + 1] = (int)reader.BytesConsumed - start;
            count++;
        }
    }

    /// <summary>
    /// Writes elements <paramref name="from"/> to the end as the JSON values they were received as, byte for byte, in
    /// one pass over the bytes (no tree and no element bounds are made). The payload passed the strict reader of
    /// <see cref="TryScan"/>, so each element's text is JSON and needs no second validation.
    /// </summary>
    public readonly void WriteElements(Utf8JsonWriter writer, int from)
    {
        var reader = new Utf8JsonReader(_json, Validated);
        var index = 0;
        reader.Read();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            if (index++ >= from)
                writer.WriteRawValue(_json.AsSpan(start, (int)reader.BytesConsumed - start), skipInputValidation: true);
        }
    }

    /// <summary>
    /// The event name: <paramref name="known"/> itself when the name is the same text (a client mostly repeats a few
    /// names, so this saves a string per event), a new string otherwise.
    /// </summary>
    public readonly string ReadName(string? known)
    {
        // The name is the array's first value: no need to find the other elements.
        var reader = new Utf8JsonReader(_json);
        reader.Read();
        reader.Read();
        return known is not null && reader.ValueTextEquals(known) ? known : reader.GetString()!;
    }

    /// <summary>
    /// Checks an EVENT payload (or, with <paramref name="isAck"/>, an ACK's) in one pass of <see cref="Utf8JsonReader"/>,
    /// with the same outcome as parsing it into a document and applying <see cref="PayloadRules"/>: valid JSON no deeper
    /// than <paramref name="maxDepth"/>, an array; for an event a non-empty one whose first value is a well-formed string
    /// that is not a reserved name. Returns the reason when it does not fit; otherwise <paramref name="payload"/> holds a
    /// copy of the bytes, its arguments starting after the event name (at the first element for an ack).
    /// </summary>
    public static string? TryScan(ReadOnlySpan<byte> json, int maxDepth, out EventPayload payload, bool isAck = false)
    {
        payload = default;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = maxDepth });
        string? rule = null;
        var count = 0;
        try
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                rule = isAck ? "ACK payload must be an array" : "EVENT payload must be a non-empty array";
                reader.Skip();
            }
            else
            {
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (count++ == 0 && !isAck)
                        rule = PayloadRules.CheckEventName(ref reader);
                    reader.Skip();
                }
                if (count == 0 && !isAck)
                    rule = "EVENT payload must be a non-empty array";
            }
            // Nothing but whitespace may follow the value (the reader throws otherwise).
            while (reader.Read())
            {
            }
        }
        catch (JsonException)
        {
            return "invalid JSON payload";
        }
        if (rule is null)
            payload = new EventPayload(json.ToArray(), count, first: isAck ? 0 : 1);
        return rule;
    }
}
