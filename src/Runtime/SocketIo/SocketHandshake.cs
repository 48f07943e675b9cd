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
    // Most of the handshake is the connection's: read from it rather than copied into every socket.
    private readonly EngineIoHandshake _request;

    internal SocketHandshake(EngineIoHandshake request, JsonElement auth)
    {
        _request = request;
        IsCrossDomain = request.HasOrigin;
        Auth = auth;
        Issued = DateTimeOffset.UtcNow;
    }

    /// <summary>Headers of the request that opened the connection.</summary>
    public IHeaderDictionary Headers => _request.Headers;

    /// <summary>Query string of that request.</summary>
    public IQueryCollection Query => _request.Query;

    /// <summary>The auth payload of the CONNECT packet, or an empty object.</summary>
    public JsonElement Auth { get; }

    /// <summary>When the socket was created, as text (formatted when asked for: most handshakes never are).</summary>
    public string Time => Issued.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>When the socket was created.</summary>
    public DateTimeOffset Issued { get; }

    /// <summary>The client's address.</summary>
    public IPAddress? Address => _request.RemoteAddress;

    /// <summary>Whether the request had an Origin header (a cross-domain browser request).</summary>
    public bool IsCrossDomain { get; }

    /// <summary>Whether the connection is over HTTPS.</summary>
    public bool IsSecure => _request.IsSecure;

    /// <summary>Path and query of the request that opened the connection.</summary>
    public string Url => _request.Url;

    /// <summary>The user established by ASP.NET Core authentication for that request.</summary>
    public ClaimsPrincipal User => _request.User;

    internal bool IsAuthenticated => _request.IsAuthenticated;
}
