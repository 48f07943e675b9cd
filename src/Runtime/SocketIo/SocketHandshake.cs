using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using TypedIo.EngineIo;

namespace TypedIo.SocketIo;

/// <summary>The handshake of a socket, as Node's <c>socket.handshake</c>.</summary>
public sealed class SocketHandshake
{
    internal SocketHandshake(EngineIoHandshake request, JsonElement auth)
    {
        Headers = request.Headers;
        Query = request.Query;
        Address = request.RemoteAddress;
        IsSecure = request.IsSecure;
        IsCrossDomain = !string.IsNullOrEmpty(request.Headers.Origin);
        Url = request.Url;
        User = request.User;
        Auth = auth;
        Issued = DateTimeOffset.UtcNow;
    }

    /// <summary>Headers of the request that opened the connection.</summary>
    public IHeaderDictionary Headers { get; }

    /// <summary>Query string of that request.</summary>
    public IQueryCollection Query { get; }

    /// <summary>The auth payload of the CONNECT packet, or an empty object.</summary>
    public JsonElement Auth { get; }

    /// <summary>When the socket was created, as text (formatted when asked for: most handshakes never are).</summary>
    public string Time => Issued.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>When the socket was created.</summary>
    public DateTimeOffset Issued { get; }

    /// <summary>The client's address.</summary>
    public IPAddress? Address { get; }

    /// <summary>Whether the request had an Origin header (a cross-domain browser request).</summary>
    public bool IsCrossDomain { get; }

    /// <summary>Whether the connection is over HTTPS.</summary>
    public bool IsSecure { get; }

    /// <summary>Path and query of the request that opened the connection.</summary>
    public string Url { get; }

    /// <summary>The user established by ASP.NET Core authentication for that request.</summary>
    public ClaimsPrincipal User { get; }
}
