using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Text.Unicode;

namespace TypedIo.EngineIo;

/// <summary>
/// The rules on whole payloads, checked once a text message or a close frame is in, with the close codes and reasons
/// of Node's <c>ws</c>: a text message and a close reason must be UTF-8 (1007), a close code must be one a peer may send
/// (1002). The rules on headers are <see cref="ClientFrameChecker"/>'s.
/// </summary>
internal static class FrameRules
{
    /// <summary>Null when <paramref name="text"/> is valid UTF-8; otherwise the 1007 violation.</summary>
    public static FrameViolation? CheckText(ReadOnlySpan<byte> text) => Utf8.IsValid(text) ? null : InvalidUtf8();

    /// <summary>Null when the close frame's body (empty, or a code and a reason) is legal; otherwise the violation.</summary>
    public static FrameViolation? CheckClose(ReadOnlySpan<byte> body)
    {
        if (body.Length < 2)
            return null; // 1 byte is refused with the header (ClientFrameChecker)
        var code = BinaryPrimitives.ReadUInt16BigEndian(body);
        if (!IsValidCode(code))
            return ClientFrameChecker.ProtocolError($"invalid status code {code}");
        return Utf8.IsValid(body[2..]) ? null : InvalidUtf8();
    }

    // 1004-1006 and 1015 are reserved and never sent; 1012-1014 are registered since RFC 6455 (ws accepts them).
    private static bool IsValidCode(int code) =>
        code is >= 1000 and <= 1014 and not (1004 or 1005 or 1006) || code is >= 3000 and <= 4999;

    private static FrameViolation InvalidUtf8() =>
        new(WebSocketCloseStatus.InvalidPayloadData, "Invalid WebSocket frame: invalid UTF-8 sequence");
}
