using Microsoft.AspNetCore.WebUtilities;

namespace TypedIo.EngineIo;

/// <summary>
/// The three query parameters the server reads from every Engine.IO request (<c>transport</c>, <c>sid</c>,
/// <c>EIO</c>), read from the query string itself. Asking the request for <c>Request.Query</c> instead would parse
/// the whole query into a collection that the request keeps: for a WebSocket that is as long as the connection
/// (~0.4 KB each). Names are matched and values decoded as <c>Request.Query</c> does them (case-insensitive names,
/// <c>+</c> and <c>%XX</c> decoded, a repeated name's values joined with commas).
/// </summary>
internal readonly struct EngineIoQuery
{
    private EngineIoQuery(string transport, string sid, bool isVersion4)
    {
        Transport = transport;
        Sid = sid;
        IsVersion4 = isVersion4;
    }

    /// <summary>The <c>transport</c> parameter, or an empty string.</summary>
    public string Transport { get; }

    /// <summary>The <c>sid</c> parameter, or an empty string.</summary>
    public string Sid { get; }

    /// <summary>Whether <c>EIO</c> is exactly one value, <c>4</c>.</summary>
    public bool IsVersion4 { get; }

    public static EngineIoQuery Parse(string? queryString)
    {
        string? transport = null;
        string? sid = null;
        var versions = 0;
        var isVersion4 = false;
        foreach (var pair in new QueryStringEnumerable(queryString))
        {
            var name = pair.DecodeName().Span;
            if (name.Equals("transport", StringComparison.OrdinalIgnoreCase))
            {
                transport = Append(transport, pair.DecodeValue().Span);
            }
            else if (name.Equals("sid", StringComparison.OrdinalIgnoreCase))
            {
                sid = Append(sid, pair.DecodeValue().Span);
            }
            else if (name.Equals("EIO", StringComparison.OrdinalIgnoreCase))
            {
                versions++;
                isVersion4 = pair.DecodeValue().Span is "4";
            }
        }
        return new EngineIoQuery(transport ?? "", sid ?? "", versions == 1 && isVersion4);
    }

    // As StringValues.ToString(): empty values are left out of the joined text. The transports' names are constants, so
    // a request naming one allocates no string for it.
    private static string Append(string? values, ReadOnlySpan<char> value)
    {
        if (value.IsEmpty)
            return values ?? "";
        var text = value switch
        {
            EngineIoTransports.WebSocket => EngineIoTransports.WebSocket,
            EngineIoTransports.Polling => EngineIoTransports.Polling,
            _ => value.ToString(),
        };
        return string.IsNullOrEmpty(values) ? text : values + "," + text;
    }
}
