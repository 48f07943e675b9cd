using System.Net.WebSockets;

namespace TypedIo.EngineIo;

/// <summary>Why a client's WebSocket frames were refused: the close status sent and the reason logged.</summary>
internal sealed record FrameViolation(WebSocketCloseStatus Status, string Reason);

/// <summary>
/// Reads the header of each frame a WebSocket client sends, byte by byte as they arrive, and finds the first header
/// byte that breaks RFC 6455 or the size limit, with the close codes and reasons of Node's <c>ws</c>
/// (<c>lib/receiver.js</c>). No extension is negotiated, so RSV1 is illegal too. Unlike <c>ws</c>, which waits for the
/// first two bytes (and the whole 64-bit length), each check runs on the byte that decides it. The payload is not its
/// business: once a header is complete, <see cref="WebSocketFrameReader"/> reads the payload by its length and hands
/// the next header byte back here. The rules on payloads (UTF-8, close codes) are in <see cref="FrameRules"/>.
/// </summary>
internal struct ClientFrameChecker
{
    private const byte Fin = 0x80, Rsv1 = 0x40, Rsv23 = 0x30, OpcodeBits = 0x0F, Mask = 0x80, LengthBits = 0x7F;
    private const int Continuation = 0x0, Text = 0x1, Binary = 0x2, Close = 0x8, Pong = 0xA;

    private enum Part : byte { First, Second, Length, MaskKey }

    private readonly long _maxPayload;
    private Part _part;
    private int _headerBytesLeft;   // Length: bytes of the extended length still to come; MaskKey: key bytes.
    private ulong _length;          // the extended length read so far, then the payload length
    private uint _maskKey;          // the key's bytes, the first in the lowest byte
    private byte _first;            // the first header byte of the frame being read
    private bool _inMessage;        // a data frame without FIN came, its continuation is due
    private long _messageLength;    // payload bytes declared so far by the frames of the current message

    public ClientFrameChecker(long maxPayload)
    {
        _maxPayload = maxPayload;
        _part = Part.First;
    }

    /// <summary>The opcode of the frame whose header was read last.</summary>
    public readonly int Opcode => _first & OpcodeBits;

    /// <summary>True when the frame whose header was read last ends its message.</summary>
    public readonly bool IsFin => (_first & Fin) != 0;

    /// <summary>True when the frame whose header was read last is a control frame (close, ping, pong).</summary>
    public readonly bool IsControl => (_first & 0x08) != 0;

    /// <summary>The payload length of the frame whose header was read last (at most the limit, or 125).</summary>
    public readonly int PayloadLength => (int)_length;

    /// <summary>The mask key of the frame whose header was read last, its first byte in the lowest byte.</summary>
    public readonly uint MaskKey => _maskKey;

    /// <summary>
    /// Reads header bytes from the start of <paramref name="data"/> until a frame's header is complete
    /// (<paramref name="complete"/>; its payload follows) or the bytes run out, and returns how many it took. On a byte
    /// that breaks the rules it stops before that byte, with the <paramref name="violation"/>: the checker must not be
    /// used again.
    /// </summary>
    public int ReadHeader(ReadOnlySpan<byte> data, out FrameViolation? violation, out bool complete)
    {
        complete = false;
        for (var i = 0; i < data.Length; i++)
        {
            violation = Next(data[i], ref complete);
            if (violation is not null)
                return i;
            if (complete)
                return i + 1;
        }
        violation = null;
        return data.Length;
    }

    private FrameViolation? Next(byte value, ref bool complete)
    {
        switch (_part)
        {
            case Part.First:
                _first = value;
                _part = Part.Second;
                return CheckFirst(value);
            case Part.Second:
                return CheckSecond(value);
            case Part.Length:
                _length = (_length << 8) | value;
                _headerBytesLeft--;
                // The bytes still to come can only make it larger: refuse as soon as its lower bound is over the limit.
                if (_length > (ulong)(_maxPayload - _messageLength) >> (8 * _headerBytesLeft))
                    return TooBig();
                if (_headerBytesLeft == 0)
                    return HaveLength(_length);
                return null;
            default:
                _maskKey |= (uint)value << (8 * (4 - _headerBytesLeft));
                if (--_headerBytesLeft == 0)
                {
                    _part = Part.First;
                    complete = true;
                }
                return null;
        }
    }

    private FrameViolation? CheckFirst(byte value)
    {
        if ((value & Rsv23) != 0)
            return ProtocolError("RSV2 and RSV3 must be clear");
        if ((value & Rsv1) != 0)
            return ProtocolError("RSV1 must be clear");
        var opcode = value & OpcodeBits;
        switch (opcode)
        {
            case Continuation:
                return _inMessage ? null : ProtocolError("invalid opcode 0");
            case Text or Binary:
                return _inMessage ? ProtocolError($"invalid opcode {opcode}") : null;
            case >= Close and <= Pong:
                return (value & Fin) == 0 ? ProtocolError("FIN must be set") : null;
            default:
                return ProtocolError($"invalid opcode {opcode}");
        }
    }

    private FrameViolation? CheckSecond(byte value)
    {
        var length = value & LengthBits;
        if (IsControl)
        {
            if (length > 125)
                return ProtocolError($"invalid payload length {length}");
            // A close body is empty or starts with a two-byte code (ws finds this once the payload is in).
            if ((_first & OpcodeBits) == Close && length == 1)
                return ProtocolError("invalid payload length 1");
        }
        if ((value & Mask) == 0)
            return ProtocolError("MASK must be set");
        if (length < 126)
            return HaveLength((ulong)length);
        _part = Part.Length;
        _headerBytesLeft = length == 126 ? 2 : 8;
        _length = 0;
        return null;
    }

    private FrameViolation? HaveLength(ulong length)
    {
        if (!IsControl)
        {
            if (length > (ulong)(_maxPayload - _messageLength))
                return TooBig();
            _messageLength += (long)length;
            var fin = (_first & Fin) != 0;
            _inMessage = !fin;
            if (fin)
                _messageLength = 0;
        }
        _length = length;
        _maskKey = 0;
        _part = Part.MaskKey;
        _headerBytesLeft = 4;
        return null;
    }

    internal static FrameViolation ProtocolError(string reason) =>
        new(WebSocketCloseStatus.ProtocolError, "Invalid WebSocket frame: " + reason);

    private static FrameViolation TooBig() => new(WebSocketCloseStatus.MessageTooBig, "Max payload size exceeded");
}
