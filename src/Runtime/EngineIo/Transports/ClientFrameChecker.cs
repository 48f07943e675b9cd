using System.Net.WebSockets;

namespace TypedIo.EngineIo;

/// <summary>Why a client's WebSocket frames were refused: the close status sent and the reason logged.</summary>
internal sealed record FrameViolation(WebSocketCloseStatus Status, string Reason);

/// <summary>
/// Follows the frames a WebSocket client sends, byte by byte as they arrive, and finds the first header that breaks
/// RFC 6455 or the size limit, with the close codes and reasons of Node's <c>ws</c> (<c>lib/receiver.js</c>). It looks
/// at header bytes only: a payload is skipped by its length, never read. No extension is negotiated, so RSV1 is
/// illegal too. Unlike <c>ws</c>, which waits for the first two bytes (and the whole 64-bit length), each check runs
/// on the byte that decides it.
/// </summary>
internal struct ClientFrameChecker
{
    private const byte Fin = 0x80, Rsv1 = 0x40, Rsv23 = 0x30, OpcodeBits = 0x0F, Mask = 0x80, LengthBits = 0x7F;
    private const int Continuation = 0x0, Text = 0x1, Binary = 0x2, Close = 0x8, Pong = 0xA;

    private enum Part : byte { First, Second, Length, MaskKey, Payload }

    private readonly long _maxPayload;
    private Part _part;
    private int _headerBytesLeft;   // Length: bytes of the extended length still to come; MaskKey: key bytes.
    private ulong _length;          // the extended length read so far
    private ulong _payloadLeft;
    private byte _first;            // the first header byte of the frame being read
    private bool _inMessage;        // a data frame without FIN came, its continuation is due
    private long _messageLength;    // payload bytes declared so far by the frames of the current message

    public ClientFrameChecker(long maxPayload)
    {
        _maxPayload = maxPayload;
        _part = Part.First;
    }

    /// <summary>
    /// Follows <paramref name="data"/> (the next bytes from the client); returns the offset of the byte that breaks
    /// the rules, or -1 when all are legal. After a violation the checker must not be used again.
    /// </summary>
    public int Check(ReadOnlySpan<byte> data, out FrameViolation? violation)
    {
        violation = null;
        var i = 0;
        while (i < data.Length)
        {
            if (_part == Part.Payload)
            {
                var skip = (int)Math.Min(_payloadLeft, (ulong)(data.Length - i));
                i += skip;
                _payloadLeft -= (ulong)skip;
                if (_payloadLeft == 0)
                    _part = Part.First;
                continue;
            }
            violation = Next(data[i]);
            if (violation is not null)
                return i;
            i++;
        }
        return -1;
    }

    private FrameViolation? Next(byte value)
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
            case Part.MaskKey:
                if (--_headerBytesLeft == 0)
                    AfterHeader();
                return null;
            default:
                throw new InvalidOperationException("Payload bytes are skipped, not checked.");
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
        _payloadLeft = length;
        _part = Part.MaskKey;
        _headerBytesLeft = 4;
        return null;
    }

    private void AfterHeader() => _part = _payloadLeft == 0 ? Part.First : Part.Payload;

    private readonly bool IsControl => (_first & 0x08) != 0;

    private static FrameViolation ProtocolError(string reason) =>
        new(WebSocketCloseStatus.ProtocolError, "Invalid WebSocket frame: " + reason);

    private static FrameViolation TooBig() => new(WebSocketCloseStatus.MessageTooBig, "Max payload size exceeded");
}
