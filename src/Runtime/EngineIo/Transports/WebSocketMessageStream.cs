using System.Buffers.Binary;
using System.Net.WebSockets;

namespace TypedIo.EngineIo;

/// <summary>
/// The fallback for a WebSocket the server did not make over a checked connection (a host with a WebSocket feature of
/// its own, such as an in-memory test server's): its messages are presented as the frames a client would have sent
/// (masked with a zero key), so that the transport reads them with the same <see cref="WebSocketFrameReader"/> and the
/// same rules; the frames the transport writes are sent one by one through the WebSocket's API (its pongs are the
/// WebSocket's own business). Nothing of it runs for a connection made by <c>MapEngineIo</c> on Kestrel.
/// </summary>
internal sealed class WebSocketMessageStream(WebSocket socket) : AsyncOnlyStream
{
    // The most a frame header takes: two bytes, a 64-bit length, the mask key.
    private const int HeaderRoom = 14;

    private ValueWebSocketReceiveResult? _peeked;
    private bool _inMessage;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            // The wait for the next message: the WebSocket's own zero-byte receive (which may end an empty message).
            _peeked ??= await socket.ReceiveAsync(Memory<byte>.Empty, cancellationToken).ConfigureAwait(false);
            return 0;
        }
        ValueWebSocketReceiveResult result;
        if (_peeked is { } peeked && (peeked.EndOfMessage || peeked.MessageType == WebSocketMessageType.Close))
            result = peeked;
        else
            result = await socket.ReceiveAsync(buffer[HeaderRoom..], cancellationToken).ConfigureAwait(false);
        _peeked = null;
        var span = buffer.Span;
        if (result.MessageType == WebSocketMessageType.Close)
        {
            span[0] = 0x88;
            if (socket.CloseStatus is not { } status || status == WebSocketCloseStatus.Empty)
            {
                span[1] = 0x80;
                span[2..6].Clear();
                return 6;
            }
            span[1] = 0x82;
            span[2..6].Clear();
            BinaryPrimitives.WriteUInt16BigEndian(span[6..], (ushort)status);
            return 8;
        }
        var count = result.Count;
        var opcode = _inMessage ? 0x0 : result.MessageType == WebSocketMessageType.Binary ? 0x2 : 0x1;
        _inMessage = !result.EndOfMessage;
        span[0] = (byte)((result.EndOfMessage ? 0x80 : 0) | opcode);
        int header;
        if (count < 126)
        {
            span[1] = (byte)(0x80 | count);
            header = 2;
        }
        else if (count <= ushort.MaxValue)
        {
            span[1] = 0x80 | 126;
            BinaryPrimitives.WriteUInt16BigEndian(span[2..], (ushort)count);
            header = 4;
        }
        else
        {
            span[1] = 0x80 | 127;
            BinaryPrimitives.WriteUInt64BigEndian(span[2..], (ulong)count);
            header = 10;
        }
        span.Slice(header, 4).Clear(); // the mask key: zero, so the payload is as it is
        header += 4;
        span.Slice(HeaderRoom, count).CopyTo(span[header..]);
        return header + count;
    }

    /// <summary>Sends each whole server frame in <paramref name="buffer"/> through the WebSocket.</summary>
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (!buffer.IsEmpty)
        {
            var (opcode, header, length) = ReadHeader(buffer.Span);
            var payload = buffer.Slice(header, length);
            buffer = buffer[(header + length)..];
            switch (opcode)
            {
                case 0x1 or 0x2:
                    await socket.SendAsync(payload, opcode == 0x2 ? WebSocketMessageType.Binary : WebSocketMessageType.Text, true, cancellationToken).ConfigureAwait(false);
                    break;
                case 0x8:
                    var status = length >= 2 ? (WebSocketCloseStatus)BinaryPrimitives.ReadUInt16BigEndian(payload.Span) : WebSocketCloseStatus.NormalClosure;
                    if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                        await socket.CloseOutputAsync(status, null, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
    }

    private static (int Opcode, int Header, int Length) ReadHeader(ReadOnlySpan<byte> frame)
    {
        var length = frame[1] & 0x7F;
        return length switch
        {
            126 => (frame[0] & 0x0F, 4, BinaryPrimitives.ReadUInt16BigEndian(frame[2..])),
            127 => (frame[0] & 0x0F, 10, (int)BinaryPrimitives.ReadUInt64BigEndian(frame[2..])),
            _ => (frame[0] & 0x0F, 2, length),
        };
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Flush() { }

    /// <summary>Aborts the WebSocket: a receive or send in progress ends.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
            socket.Abort();
        base.Dispose(disposing);
    }
}
