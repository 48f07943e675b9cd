using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;

namespace TypedIo.EngineIo;

/// <summary>What <see cref="WebSocketFrameReader.Next"/> found.</summary>
internal enum FrameEvent : byte
{
    /// <summary>Every byte read is used: read more.</summary>
    NeedMore,
    /// <summary>A whole text message (valid UTF-8).</summary>
    Text,
    /// <summary>A whole binary message.</summary>
    Binary,
    /// <summary>A ping: answer with a pong carrying its payload.</summary>
    Ping,
    /// <summary>A legal close frame (the payload is its body): answer with a close frame and stop reading.</summary>
    Close,
    /// <summary>A byte that breaks the rules: send the violation's close frame and stop reading.</summary>
    Refused,
}

/// <summary>
/// Reads the frames a WebSocket client sends (RFC 6455) from the bytes read off the upgraded connection: the headers
/// through <see cref="ClientFrameChecker"/> (which applies the rules on the byte that decides them), the payloads by
/// their length, unmasked, and the fragments of a message put back together. A frame may be split at any byte and one
/// read may hold several frames. A value held by the transport (no object of its own): between messages it holds no
/// buffer; the read buffer is rented for a read and given back once every byte in it is used, and a message is
/// assembled in a rented buffer only when it does not arrive whole in one read.
/// </summary>
internal struct WebSocketFrameReader
{
    /// <summary>The bytes asked for by one read: a small message and its neighbours arrive in one.</summary>
    public const int ReadSize = 4096;

    private const int PingOpcode = 0x9, CloseOpcode = 0x8;

    private ClientFrameChecker _header;
    private byte[]? _read;           // the bytes read, [_start, _end) not used yet
    private int _start, _end;
    private bool _inPayload;         // a header is in, its payload is being read
    private int _payloadLeft;
    private int _maskOffset;         // payload bytes of the current frame unmasked so far
    private bool _binary;            // the type of the current message (its first frame's opcode)
    private byte[]? _message;        // a message that did not arrive whole in one read
    private int _messageCount;
    private byte[]? _control;        // a control frame's payload that did not arrive whole in one read
    private int _controlCount;
    private bool _releaseOnNext;     // the last event's payload was in _message or _control

    public WebSocketFrameReader(long maxPayload) => _header = new ClientFrameChecker(maxPayload);

    /// <summary>True while bytes read are not used yet: <see cref="Next"/> before reading again.</summary>
    public readonly bool HasBuffered => _start < _end;

    /// <summary>True while nothing is held: no bytes read, no part of a message.</summary>
    public readonly bool IsEmpty => _read is null && _message is null && _control is null;

    /// <summary>Where the next read goes (rented now); only when <see cref="HasBuffered"/> is false.</summary>
    public Memory<byte> ReadBuffer()
    {
        _read ??= ArrayPool<byte>.Shared.Rent(ReadSize);
        _start = _end = 0;
        return _read;
    }

    /// <summary>Takes the count of bytes the read into <see cref="ReadBuffer"/> returned.</summary>
    public void Filled(int count)
    {
        _end = count;
        if (count == 0)
            ReturnRead();
    }

    /// <summary>
    /// Uses the bytes read until a message, a ping, a close or a violation is found, or all are used. The payload is
    /// valid until the next call. On <see cref="FrameEvent.Refused"/> the bytes before the bad one have been used (what
    /// they completed was returned by earlier calls) and the reader must not be used again, except to
    /// <see cref="Release"/>.
    /// </summary>
    public FrameEvent Next(out ReadOnlyMemory<byte> payload, out FrameViolation? violation)
    {
        if (_releaseOnNext)
            ReleasePayloads();
        payload = default;
        violation = null;
        while (_start < _end)
        {
            var available = _end - _start;
            if (!_inPayload)
            {
                var used = _header.ReadHeader(_read.AsSpan(_start, available), out violation, out var complete);
                _start += used;
                if (violation is not null)
                    return FrameEvent.Refused;
                if (!complete)
                    break;
                _inPayload = true;
                _payloadLeft = _header.PayloadLength;
                _maskOffset = 0;
                if (!_header.IsControl && _header.Opcode != 0)
                    _binary = _header.Opcode == 2;
                // The whole payload is here and needs no assembly: unmasked where it lies, handed over as it is.
                if (_payloadLeft <= _end - _start && (_header.IsControl ? _control is null : _header.IsFin && _message is null))
                {
                    var whole = _read.AsMemory(_start, _payloadLeft);
                    Unmask(whole.Span, _header.MaskKey, 0);
                    _start += _payloadLeft;
                    _inPayload = false;
                    var found = FrameDone(whole, out payload, out violation);
                    if (found != FrameEvent.NeedMore)
                        return found;
                    continue;
                }
            }
            else
            {
                var take = Math.Min(_payloadLeft, available);
                var target = _header.IsControl ? ControlSpace(take) : MessageSpace(take);
                _read.AsSpan(_start, take).CopyTo(target);
                Unmask(target, _header.MaskKey, _maskOffset);
                _start += take;
                _payloadLeft -= take;
                _maskOffset += take;
            }
            if (_payloadLeft == 0)
            {
                _inPayload = false;
                var assembled = _header.IsControl ? Held(_control, _controlCount) : Held(_message, _messageCount);
                var found = FrameDone(assembled, out payload, out violation);
                if (found != FrameEvent.NeedMore)
                    return found;
            }
        }
        ReturnRead();
        return FrameEvent.NeedMore;
    }

    /// <summary>Gives back every buffer held (the connection ends).</summary>
    public void Release()
    {
        ReturnRead();
        ReleasePayloads();
        if (_message is not null)
        {
            ArrayPool<byte>.Shared.Return(_message);
            _message = null;
        }
    }

    private static ReadOnlyMemory<byte> Held(byte[]? buffer, int count) => buffer is null ? default : buffer.AsMemory(0, count);

    /// <summary>A frame's payload is complete: what it means, if anything yet.</summary>
    private FrameEvent FrameDone(ReadOnlyMemory<byte> body, out ReadOnlyMemory<byte> payload, out FrameViolation? violation)
    {
        payload = default;
        violation = null;
        if (_header.IsControl)
        {
            _releaseOnNext = true;
            switch (_header.Opcode)
            {
                case PingOpcode:
                    payload = body;
                    return FrameEvent.Ping;
                case CloseOpcode:
                    violation = FrameRules.CheckClose(body.Span);
                    if (violation is not null)
                        return FrameEvent.Refused;
                    payload = body;
                    return FrameEvent.Close;
                default:
                    // A pong: nothing to do; its payload is not needed (the next control frame may be read right now).
                    _releaseOnNext = false;
                    ReleaseControl();
                    return FrameEvent.NeedMore;
            }
        }
        if (!_header.IsFin)
            return FrameEvent.NeedMore;
        _releaseOnNext = true;
        if (!_binary && FrameRules.CheckText(body.Span) is { } invalid)
        {
            violation = invalid;
            return FrameEvent.Refused;
        }
        payload = body;
        return _binary ? FrameEvent.Binary : FrameEvent.Text;
    }

    private Span<byte> ControlSpace(int take)
    {
        _control ??= ArrayPool<byte>.Shared.Rent(125);
        var span = _control.AsSpan(_controlCount, take);
        _controlCount += take;
        return span;
    }

    private Span<byte> MessageSpace(int take)
    {
        var needed = _messageCount + take;
        if (_message is null || _message.Length < needed)
        {
            // Grows by doubling from one read's size, up to what the frame declared: a client that declares a large
            // frame and sends it slowly makes the server hold only about what it sent.
            var declared = _messageCount + _payloadLeft;
            var size = Math.Max(needed, Math.Min(declared, Math.Max(ReadSize, (_message?.Length ?? 0) * 2)));
            var bigger = ArrayPool<byte>.Shared.Rent(size);
            if (_message is not null)
            {
                _message.AsSpan(0, _messageCount).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(_message);
            }
            _message = bigger;
        }
        var span = _message.AsSpan(_messageCount, take);
        _messageCount = needed;
        return span;
    }

    private void ReleaseControl()
    {
        if (_control is not null)
        {
            ArrayPool<byte>.Shared.Return(_control);
            _control = null;
        }
        _controlCount = 0;
    }

    private void ReleasePayloads()
    {
        _releaseOnNext = false;
        ReleaseControl();
        // A message is released once delivered; a control frame between its fragments leaves it alone.
        if (_message is not null && !_inPayload && _header.IsFin && !_header.IsControl)
        {
            ArrayPool<byte>.Shared.Return(_message);
            _message = null;
            _messageCount = 0;
        }
        else if (_message is null)
        {
            _messageCount = 0;
        }
    }

    private void ReturnRead()
    {
        if (_read is not null)
        {
            ArrayPool<byte>.Shared.Return(_read);
            _read = null;
        }
        _start = _end = 0;
    }

    /// <summary>XORs <paramref name="data"/> with the mask key, starting <paramref name="offset"/> bytes into the frame.</summary>
    private static void Unmask(Span<byte> data, uint key, int offset)
    {
        key = BitOperations.RotateRight(key, 8 * (offset & 3));
        var i = 0;
        if (BitConverter.IsLittleEndian && data.Length >= 8)
        {
            var wide = key | ((ulong)key << 32);
            var words = MemoryMarshal.Cast<byte, ulong>(data);
            for (var w = 0; w < words.Length; w++)
                words[w] ^= wide;
            i = words.Length * 8;
        }
        for (; i < data.Length; i++)
            data[i] ^= (byte)(key >> (8 * (i & 3)));
    }
}
