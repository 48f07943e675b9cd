using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;

namespace TypedIo.Benchmarks.LoadGenerator;

/// <summary>The server ended a connection: a close frame, or the end of the TCP stream.</summary>
internal sealed class ConnectionClosedException(string message) : IOException(message);

/// <summary>
/// A minimal Socket.IO client over one WebSocket on a plain socket: the Engine.IO v4 / Socket.IO v5 frames are prebuilt,
/// premasked byte arrays (<see cref="Frame"/>, see <see cref="WebSocketFrames"/> for the masking key), server frames are
/// read in place from one receive buffer (several per receive when they arrive together), nothing is parsed as JSON.
/// Answers Engine.IO pings and WebSocket pings. No allocation per message: the async methods that wait on the socket
/// reuse pooled state machines.
/// </summary>
internal sealed class WsClient : IDisposable
{
    private static readonly byte[] ConnectPayload = "40"u8.ToArray();

    private readonly Socket _socket;
    private readonly byte[] _mask = new byte[4];
    private readonly byte[] _pong;
    private byte[] _buffer = new byte[4096];
    private int _start; // unread bytes: _buffer[_start.._end)
    private int _end;
    private byte[]? _fragments; // a message split over several frames (not sent by the servers measured; handled anyway)
    private int _fragmentsLength;
    private ReadOnlyMemory<byte> _last;
    private SemaphoreSlim? _sendGate;
    private int _needed; // the size of the frame being read, once its header is in (0: not known)
    private readonly bool _blocking;

    private WsClient(Socket socket, bool blocking)
    {
        _socket = socket;
        _blocking = blocking;
        RandomNumberGenerator.Fill(_mask);
        _pong = Frame("3"u8);
    }

    /// <summary>The last message received (valid until the next receive).</summary>
    public ReadOnlySpan<byte> Last => _last.Span;

    public string LastText => Encoding.UTF8.GetString(Last);

    /// <summary>A text frame carrying <paramref name="payload"/>, masked with this connection's key, to send as often as needed.</summary>
    public byte[] Frame(ReadOnlySpan<byte> payload) => WebSocketFrames.Build(payload, _mask);

    /// <summary>
    /// Connects and joins "/". <paramref name="blocking"/>: with blocking socket calls only (the task completes before
    /// this returns, the token is not watched, a receive times out after 30 s), so that the socket is never registered
    /// with .NET's socket engine and can be driven by an <see cref="Epoll"/> loop with <see cref="ReadAvailable"/> and
    /// <see cref="SendNow"/>.
    /// </summary>
    public static async Task<WsClient> ConnectAsync(Uri baseUri, Transport transport, CancellationToken cancellationToken, bool blocking = false)
    {
        var socket = blocking
            ? transport.OpenSocket(new DnsEndPoint(baseUri.Host, baseUri.Port))
            : await transport.OpenSocketAsync(new DnsEndPoint(baseUri.Host, baseUri.Port), cancellationToken).ConfigureAwait(false);
        var client = new WsClient(socket, blocking);
        try
        {
            await client.UpgradeAsync(baseUri, cancellationToken).ConfigureAwait(false);
            // Engine.IO open packet, then the Socket.IO CONNECT of "/" and its reply; the fixture contract emits
            // "welcome" right after.
            await client.ReceiveAsync(cancellationToken).ConfigureAwait(false);
            if (client.Last.Length == 0 || client.Last[0] != (byte)'0')
                throw new InvalidDataException("expected an Engine.IO open packet, got " + client.LastText);
            await client.SendAsync(client.Frame(ConnectPayload)).ConfigureAwait(false);
            var connected = false;
            var welcomed = false;
            while (!connected || !welcomed)
            {
                await client.ReceiveAsync(cancellationToken).ConfigureAwait(false);
                if (client.Last.StartsWith("40"u8))
                    connected = true;
                else if (client.Last.StartsWith("42[\"welcome\""u8))
                    welcomed = true;
                else if (client.Last.StartsWith("44"u8))
                    throw new InvalidDataException("CONNECT refused: " + client.LastText);
            }
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    private async Task UpgradeAsync(Uri baseUri, CancellationToken cancellationToken)
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var request = Encoding.ASCII.GetBytes(
            $"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: {baseUri.Authority}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n" +
            $"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: {key}\r\n\r\n");
        await SendAsync(request).ConfigureAwait(false);
        int headerEnd;
        while ((headerEnd = _buffer.AsSpan(0, _end).IndexOf("\r\n\r\n"u8)) < 0)
            await FillAsync(cancellationToken).ConfigureAwait(false);
        var head = Encoding.ASCII.GetString(_buffer, 0, headerEnd);
        if (!head.StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
            throw new InvalidDataException("WebSocket upgrade refused: " + head.Split("\r\n")[0]);
        var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
        if (!head.Contains("Sec-WebSocket-Accept: " + accept, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException("WebSocket upgrade without the expected Sec-WebSocket-Accept");
        _start = headerEnd + 4;
    }

    /// <summary>
    /// Lets one loop send while another receives (and answers pings): sends are then serialized, as a socket takes one
    /// frame at a time. The closed-loop clients send and receive in turn and do not need it.
    /// </summary>
    public void AllowConcurrentSends() => _sendGate ??= new SemaphoreSlim(1, 1);

    /// <summary>Sends a frame built by <see cref="Frame"/> (or a raw buffer during the handshake).</summary>
    public ValueTask SendAsync(ReadOnlyMemory<byte> frame) => _sendGate is null ? SendAllAsync(frame) : SendGatedAsync(frame);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendAllAsync(ReadOnlyMemory<byte> data)
    {
        if (_blocking)
        {
            SendNow(data.Span);
            return;
        }
        while (data.Length > 0)
        {
            var sent = await _socket.SendAsync(data, SocketFlags.None).ConfigureAwait(false);
            data = data[sent..];
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendGatedAsync(ReadOnlyMemory<byte> frame)
    {
        await _sendGate!.WaitAsync().ConfigureAwait(false);
        try
        {
            await SendAllAsync(frame).ConfigureAwait(false);
        }
        finally
        {
            _sendGate.Release();
        }
    }

    /// <summary>
    /// Receives the next message other than an Engine.IO ping (answered) into <see cref="Last"/>. Throws
    /// <see cref="ConnectionClosedException"/> when the server closes. The benchmark loops pass no token: a run ends by
    /// disposing the clients, which ends a pending receive.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask ReceiveAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            switch (Next(out var reply))
            {
                case Step.Message:
                    return;
                case Step.Reply:
                    await SendAsync(reply!).ConfigureAwait(false);
                    break;
                default:
                    await FillAsync(cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
    }

    /// <summary>
    /// The next message already received, into <see cref="Last"/>: false when more bytes are needed. Pings are answered
    /// on the way (with a blocking send). For an <see cref="Epoll"/> loop, after <see cref="ReadAvailable"/>.
    /// </summary>
    public bool TryTakeMessage()
    {
        while (true)
        {
            switch (Next(out var reply))
            {
                case Step.Message:
                    return true;
                case Step.Reply:
                    SendNow(reply!);
                    break;
                default:
                    return false;
            }
        }
    }

    private enum Step { Message, Reply, NeedMore }

    /// <summary>Reads the buffered frames up to the next message, or to a control frame that needs <paramref name="reply"/> sent.</summary>
    private Step Next(out byte[]? reply)
    {
        reply = null;
        while (true)
        {
            if (!WebSocketFrames.TryRead(_buffer.AsSpan(_start, _end - _start), out var final, out var opcode, out var payloadStart, out var payloadLength, out var total))
            {
                _needed = total;
                return Step.NeedMore;
            }
            var payload = _buffer.AsMemory(_start + payloadStart, payloadLength);
            _start += total;
            switch (opcode)
            {
                case WebSocketFrames.Text or WebSocketFrames.Binary when final && _fragments is null:
                    break;
                case WebSocketFrames.Text or WebSocketFrames.Binary or WebSocketFrames.Continuation:
                    _fragments ??= new byte[Math.Max(256, payloadLength * 2)];
                    if (_fragmentsLength + payloadLength > _fragments.Length)
                        Array.Resize(ref _fragments, (_fragmentsLength + payloadLength) * 2);
                    payload.Span.CopyTo(_fragments.AsSpan(_fragmentsLength));
                    _fragmentsLength += payloadLength;
                    if (!final)
                        continue;
                    payload = _fragments.AsMemory(0, _fragmentsLength).ToArray();
                    _fragments = null;
                    _fragmentsLength = 0;
                    break;
                case WebSocketFrames.Close:
                    throw new ConnectionClosedException("the server closed the WebSocket (close frame" +
                        (payloadLength >= 2 ? $", status {(payload.Span[0] << 8) | payload.Span[1]}" : "") + ")");
                case WebSocketFrames.Ping:
                    reply = WebSocketFrames.Build(payload.Span, _mask, WebSocketFrames.Pong);
                    return Step.Reply;
                default: // pong, reserved opcodes
                    continue;
            }
            if (payload.Length == 1 && payload.Span[0] == (byte)'2')
            {
                reply = _pong;
                return Step.Reply;
            }
            _last = payload;
            return Step.Message;
        }
    }

    /// <summary>Reads more bytes after the unread ones (blocking in blocking mode).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        if (_blocking)
        {
            ReadAvailable();
            return;
        }
        var read = await _socket.ReceiveAsync(Room(), SocketFlags.None, cancellationToken).ConfigureAwait(false);
        Filled(read);
    }

    /// <summary>
    /// One blocking receive into the buffer: for an <see cref="Epoll"/> loop that saw the socket readable (it returns at
    /// once then, with what is there). Throws <see cref="ConnectionClosedException"/> at the end of the stream.
    /// </summary>
    public void ReadAvailable() => Filled(_socket.Receive(Room().Span, SocketFlags.None));

    /// <summary>Sends <paramref name="frame"/> with blocking calls (a connection made with <c>blocking: true</c>).</summary>
    public void SendNow(ReadOnlySpan<byte> frame)
    {
        while (frame.Length > 0)
            frame = frame[_socket.Send(frame, SocketFlags.None)..];
    }

    /// <summary>The file descriptor, for <see cref="Epoll"/>.</summary>
    public int Descriptor => (int)_socket.SafeHandle.DangerousGetHandle();

    /// <summary>Room after the unread bytes for the frame being read (<see cref="_needed"/> bytes), compacting or growing the buffer.</summary>
    private Memory<byte> Room()
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }
        else if (_start > 0 && (_end == _buffer.Length || _start + _needed > _buffer.Length))
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }
        if (_needed > _buffer.Length || _end == _buffer.Length)
            Array.Resize(ref _buffer, Math.Max(_needed, _buffer.Length * 2));
        return _buffer.AsMemory(_end);
    }

    private void Filled(int read)
    {
        if (read == 0)
            throw new ConnectionClosedException("the server closed the connection (end of stream)");
        _end += read;
    }

    public void Dispose() => _socket.Dispose();
}
