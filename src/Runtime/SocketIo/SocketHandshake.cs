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
    // another server node has no request here: its values are held in an object of their own, so that the local
    // socket's handshake (kept for as long as the socket is connected) carries one reference for both cases.
    private readonly object _source; // EngineIoHandshake or RemoteValues

    internal SocketHandshake(EngineIoHandshake request, JsonElement auth)
    {
        _source = request;
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
        _source = new RemoteValues(headers, query, address, isCrossDomain, isSecure, url);
        Auth = auth;
        Issued = issued;
    }

    /// <summary>Headers of the request that opened the connection.</summary>
    public IHeaderDictionary Headers => _source is EngineIoHandshake request ? request.Headers : Remote.Headers;

    /// <summary>Query string of that request.</summary>
    public IQueryCollection Query => _source is EngineIoHandshake request ? request.Query : Remote.Query;

    /// <summary>The auth payload of the CONNECT packet, or an empty object.</summary>
    public JsonElement Auth { get; }

    /// <summary>When the socket was created, as text (formatted when asked for: most handshakes never are).</summary>
    public string Time => Issued.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>When the socket was created.</summary>
    public DateTimeOffset Issued { get; }

    /// <summary>The client's address.</summary>
    public IPAddress? Address => _source is EngineIoHandshake request ? request.RemoteAddress : Remote.Address;

    /// <summary>Whether the request had an Origin header (a cross-domain browser request).</summary>
    public bool IsCrossDomain => _source is EngineIoHandshake request ? request.HasOrigin : Remote.IsCrossDomain;

    /// <summary>Whether the connection is over HTTPS.</summary>
    public bool IsSecure => _source is EngineIoHandshake request ? request.IsSecure : Remote.IsSecure;

    /// <summary>Path and query of the request that opened the connection.</summary>
    public string Url => _source is EngineIoHandshake request ? request.Url : Remote.Url;

    /// <summary>The user established by ASP.NET Core authentication for that request.</summary>
    public ClaimsPrincipal User => _source is EngineIoHandshake request ? request.User : AnonymousUser;

    internal bool IsAuthenticated => _source is EngineIoHandshake request && request.IsAuthenticated;

    private RemoteValues Remote => (RemoteValues)_source;

    private static readonly ClaimsPrincipal AnonymousUser = new(new ClaimsIdentity());

    private sealed record RemoteValues(IHeaderDictionary Headers, IQueryCollection Query, IPAddress? Address, bool IsCrossDomain, bool IsSecure, string Url);
}
