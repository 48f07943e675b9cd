using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace TypedIo.EngineIo;

/// <summary>
/// What the server keeps of the request that opened a session (the request object itself is recycled by the
/// web server once the request ends).
/// </summary>
public sealed class EngineIoHandshake
{
    internal EngineIoHandshake(HttpContext context, DateTimeOffset time)
    {
        var request = context.Request;
        var headers = new HeaderDictionary();
        foreach (var header in request.Headers)
            headers[header.Key] = header.Value;
        Headers = headers;
        Query = new QueryCollection(request.Query.ToDictionary(q => q.Key, q => q.Value, StringComparer.OrdinalIgnoreCase));
        RemoteAddress = context.Connection.RemoteIpAddress;
        IsSecure = request.IsHttps;
        Url = request.PathBase.Add(request.Path).Value + request.QueryString.Value;
        Host = request.Host.Value ?? "";
        User = context.User;
        Time = time;
    }

    /// <summary>Request headers of the handshake.</summary>
    public IHeaderDictionary Headers { get; }

    /// <summary>Query string of the handshake.</summary>
    public IQueryCollection Query { get; }

    /// <summary>The client's address.</summary>
    public IPAddress? RemoteAddress { get; }

    /// <summary>Whether the handshake came over HTTPS.</summary>
    public bool IsSecure { get; }

    /// <summary>Path and query of the handshake request.</summary>
    public string Url { get; }

    /// <summary>The Host header of the handshake request.</summary>
    public string Host { get; }

    /// <summary>The user that ASP.NET Core authentication established for the handshake request.</summary>
    public ClaimsPrincipal User { get; }

    /// <summary>When the session was opened.</summary>
    public DateTimeOffset Time { get; }
}
