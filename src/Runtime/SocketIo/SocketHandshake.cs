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
    // Most of the handshake is the connection's: read from it rather than copied into every socket. A socket of
    // another server node has no request here: its values are held instead.
    private readonly EngineIoHandshake? _request;
    private readonly IHeaderDictionary? _headers;
    private readonly IQueryCollection? _query;
    private readonly IPAddress? _address;
    private readonly bool _isSecure;
    private readonly string? _url;

    internal SocketHandshake(EngineIoHandshake request, JsonElement auth)
    {
        _request = request;
        IsCrossDomain = request.HasOrigin;
        Auth = auth;
        Issued = DateTimeOffset.UtcNow;
    }

    /// <summary>
    /// The handshake of a socket of another server node, from what that node sent (a multi-node adapter builds it for
    /// <see cref="RemoteSocket"/>). Its <see cref="User"/> is anonymous: the principal does not travel between nodes.
    /// </summary>
    public SocketHandshake(IHeaderDictionary headers, IQueryCollection query, JsonElement auth, DateTimeOffset issued, IPAddress? address, bool isCrossDomain, bool isSecure, string url)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(url);
        _headers = headers;
        _query = query;
        Auth = auth;
        Issued = issued;
        _address = address;
        IsCrossDomain = isCrossDomain;
        _isSecure = isSecure;
        _url = url;
    }

    /// <summary>Headers of the request that opened the connection.</summary>
    public IHeaderDictionary Headers => _request?.Headers ?? _headers!;

    /// <summary>Query string of that request.</summary>
    public IQueryCollection Query => _request?.Query ?? _query!;

    /// <summary>The auth payload of the CONNECT packet, or an empty object.</summary>
    public JsonElement Auth { get; }

    /// <summary>When the socket was created, as text (formatted when asked for: most handshakes never are).</summary>
    public string Time => Issued.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>When the socket was created.</summary>
    public DateTimeOffset Issued { get; }

    /// <summary>The client's address.</summary>
    public IPAddress? Address => _request is null ? _address : _request.RemoteAddress;

    /// <summary>Whether the request had an Origin header (a cross-domain browser request).</summary>
    public bool IsCrossDomain { get; }

    /// <summary>Whether the connection is over HTTPS.</summary>
    public bool IsSecure => _request?.IsSecure ?? _isSecure;

    /// <summary>Path and query of the request that opened the connection.</summary>
    public string Url => _request?.Url ?? _url!;

    /// <summary>The user established by ASP.NET Core authentication for that request.</summary>
    public ClaimsPrincipal User => _request?.User ?? AnonymousUser;

    internal bool IsAuthenticated => _request?.IsAuthenticated ?? false;

    private static readonly ClaimsPrincipal AnonymousUser = new(new ClaimsIdentity());
}
