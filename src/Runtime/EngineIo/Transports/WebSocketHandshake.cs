using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Timeouts;

namespace TypedIo.EngineIo;

/// <summary>
/// Answers the WebSocket handshake over the checked connection (<see cref="FrameCheckingUpgrade"/>), without making the
/// <c>WebSocket</c> that <c>AcceptWebSocketAsync</c> would build and the transport would drop: the transport reads and
/// writes <see cref="FrameCheckingStream"/> itself.
/// <para>
/// Which requests are WebSocket requests is still ASP.NET Core's call (<c>HttpContext.WebSockets.IsWebSocketRequest</c>,
/// from its WebSocket middleware: method, version 13, <c>Upgrade</c>/<c>Connection</c>, a 16-byte key; over HTTP/2 an
/// extended CONNECT with <c>:protocol websocket</c>). The answer is what that middleware sends when asked for no
/// subprotocol and no compression: over HTTP/1.1 a 101 with <c>Connection: Upgrade</c>, <c>Upgrade: websocket</c> and
/// <c>Sec-WebSocket-Accept</c>; over HTTP/2 a 200. No <c>Sec-WebSocket-Protocol</c> or <c>Sec-WebSocket-Extensions</c>
/// goes out whatever the client offers, so RSV1 stays illegal (<see cref="ClientFrameChecker"/>). As the middleware
/// does, the request timeout (if there is one) is turned off once the connection is upgraded.
/// </para>
/// </summary>
internal static class WebSocketHandshake
{
    /// <summary>The GUID RFC 6455 (section 4.2.2) appends to the client's key before hashing it.</summary>
    private static ReadOnlySpan<byte> KeyGuid => "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"u8;

    /// <summary>The length of a valid key: 16 bytes in base64.</summary>
    private const int KeyLength = 24;

    private const string UpgradeToken = "Upgrade";
    private const string WebSocketToken = "websocket";

    /// <summary>
    /// Accepts the WebSocket <paramref name="context"/> asks for and returns the checked connection it now is. Throws
    /// <see cref="InvalidOperationException"/> if the request is not a WebSocket request (nothing has been sent then).
    /// </summary>
    public static async Task<FrameCheckingStream> AcceptAsync(HttpContext context, IFrameCheckFeature frames)
    {
        if (!context.WebSockets.IsWebSocketRequest)
            throw new InvalidOperationException("Not a WebSocket request.");
        var features = context.Features;
        if (features.Get<IHttpExtendedConnectFeature>() is { IsExtendedConnect: true } connect)
        {
            // HTTP/2 (RFC 8441): the response is a plain 200, sent by accepting the CONNECT; no key, no accept header.
            await connect.AcceptAsync().ConfigureAwait(false);
        }
        else
        {
            var headers = context.Response.Headers;
            headers.Connection = UpgradeToken;
            headers.Upgrade = WebSocketToken;
            headers.SecWebSocketAccept = AcceptKey(context.Request.Headers.SecWebSocketKey.ToString());
            // Sends the 101 with these headers.
            await features.Get<IHttpUpgradeFeature>()!.UpgradeAsync().ConfigureAwait(false);
        }
        features.Get<IHttpRequestTimeoutFeature>()?.DisableTimeout();
        return frames.Stream ?? throw new InvalidOperationException("The upgrade did not go through the frame checks.");
    }

    /// <summary>
    /// <c>Sec-WebSocket-Accept</c> for <paramref name="key"/>: base64 of the SHA-1 of the key followed by
    /// <see cref="KeyGuid"/>. The only allocation is the returned string.
    /// </summary>
    public static string AcceptKey(string key)
    {
        // The key is base64 (checked by IsWebSocketRequest), so ASCII; one with whitespace inside is longer than 24.
        var length = Encoding.ASCII.GetByteCount(key) + KeyGuid.Length;
        var input = length <= KeyLength + KeyGuid.Length + 16 ? stackalloc byte[length] : new byte[length];
        var written = Encoding.ASCII.GetBytes(key, input);
        KeyGuid.CopyTo(input[written..]);
        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
        SHA1.HashData(input, hash);
        return Convert.ToBase64String(hash);
    }
}
