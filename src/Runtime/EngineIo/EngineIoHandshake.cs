using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.AspNetCore.WebUtilities;

namespace TypedIo.EngineIo;

/// <summary>
/// What the server keeps of the request that opened a session (the request object itself is recycled by the
/// web server once the request ends).
/// </summary>
public sealed class EngineIoHandshake
{
    // Url is built when asked for: most sessions never read it.
    private readonly string? _path;
    private readonly string? _queryString;
    private string? _url;
    private IQueryCollection? _query; // parsed from _queryString when first read: most sessions never read it

    // The request's user when authentication set one; else the anonymous user is made when first read (asking the
    // request for it would make one for every connection).
    private ClaimsPrincipal? _user;

    // A WebSocket handshake request lasts as long as its connection: its headers are copied when first read, or when
    // the request ends (Detach), not for every connection up front. Polling handshakes are copied at once.
    private readonly object _headersGate = new();
    private HttpContext? _request;
    private IHeaderDictionary? _headers;

    internal EngineIoHandshake(HttpContext context, DateTimeOffset time, bool requestOutlivesHandshake = false)
    {
        var request = context.Request;
        if (requestOutlivesHandshake)
            _request = context;
        else
            _headers = Copy(request.Headers);
        // From the feature: HttpContext.Connection would make a ConnectionInfo that a WebSocket request keeps (56 B).
        RemoteAddress = context.Features.Get<IHttpConnectionFeature>()?.RemoteIpAddress;
        IsSecure = request.IsHttps;
        _path = request.PathBase.Add(request.Path).Value;
        _queryString = request.QueryString.Value;
        Host = request.Host.Value ?? "";
        _user = context.Features.Get<IHttpAuthenticationFeature>()?.User;
        Time = time;
    }

    /// <summary>Request headers of the handshake.</summary>
    public IHeaderDictionary Headers => Volatile.Read(ref _headers) ?? CopyHeaders();

    /// <summary>Whether the handshake had an Origin header (read without copying the headers).</summary>
    internal bool HasOrigin
    {
        get
        {
            lock (_headersGate)
                return !string.IsNullOrEmpty((_headers ?? _request!.Request.Headers).Origin);
        }
    }

    /// <summary>Whether the headers have been copied (for tests).</summary>
    internal bool HasHeaderCopy => Volatile.Read(ref _headers) is not null;

    /// <summary>The handshake request is ending: copy its headers now if nobody has yet.</summary>
    internal void Detach()
    {
        CopyHeaders();
        lock (_headersGate)
            _request = null;
    }

    private IHeaderDictionary CopyHeaders()
    {
        lock (_headersGate)
        {
            _headers ??= Copy(_request!.Request.Headers);
            return _headers;
        }
    }

    private static HeaderDictionary Copy(IHeaderDictionary source)
    {
        var headers = new HeaderDictionary();
        foreach (var header in source)
            headers[header.Key] = header.Value;
        return headers;
    }

    /// <summary>Query string of the handshake.</summary>
    /// <remarks>
    /// Parsed when first read, as <c>HttpRequest.Query</c> parses it (the request's own parse would be kept by a
    /// WebSocket request for the connection's whole life, for every connection).
    /// </remarks>
    public IQueryCollection Query => Volatile.Read(ref _query) ?? ParseQuery();

    private IQueryCollection ParseQuery()
    {
        var parsed = QueryHelpers.ParseNullableQuery(_queryString) is { } values ? new QueryCollection(values) : QueryCollection.Empty;
        return Interlocked.CompareExchange(ref _query, parsed, null) ?? parsed;
    }

    /// <summary>Whether the query has been parsed (for tests).</summary>
    internal bool HasParsedQuery => Volatile.Read(ref _query) is not null;

    /// <summary>The client's address.</summary>
    public IPAddress? RemoteAddress { get; }

    /// <summary>Whether the handshake came over HTTPS.</summary>
    public bool IsSecure { get; }

    /// <summary>Path and query of the handshake request.</summary>
    public string Url => _url ??= _path + _queryString;

    /// <summary>The Host header of the handshake request.</summary>
    public string Host { get; }

    /// <summary>The user that ASP.NET Core authentication established for the handshake request.</summary>
    public ClaimsPrincipal User => _user ?? LazyInitializer.EnsureInitialized(ref _user, static () => new ClaimsPrincipal(new ClaimsIdentity()));

    /// <summary>Whether <see cref="User"/> is authenticated, without making the anonymous user.</summary>
    internal bool IsAuthenticated => Volatile.Read(ref _user)?.Identity?.IsAuthenticated == true;

    /// <summary>Whether a user is held yet (for tests: the anonymous one is made on first read).</summary>
    internal bool HasUser => Volatile.Read(ref _user) is not null;

    /// <summary>When the session was opened.</summary>
    public DateTimeOffset Time { get; }
}
