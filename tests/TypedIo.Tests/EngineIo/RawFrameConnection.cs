using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace TypedIo.Tests.EngineIo;

/// <summary>One frame the server sent (servers never mask).</summary>
internal readonly record struct ServerFrame(bool Fin, int Opcode, byte[] Payload)
{
    public bool IsClose => Opcode == 0x8;
    public int CloseCode => Payload.Length >= 2 ? (Payload[0] << 8) | Payload[1] : 1005;
    public string Text => Encoding.UTF8.GetString(Payload);
}

/// <summary>
/// A WebSocket over a bare TCP socket: the HTTP upgrade by hand, then any bytes the test wants to send, legal or not,
/// one at a time if need be, and the server's frames as they are on the wire.
/// </summary>
internal sealed class RawFrameConnection : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start, _end;

    private RawFrameConnection(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    /// <summary>Connects and upgrades <paramref name="pathAndQuery"/>; fails unless the server answers 101.</summary>
    public static async Task<RawFrameConnection> OpenAsync(Uri baseAddress, string pathAndQuery)
    {
        var (connection, head) = await UpgradeAsync(baseAddress, pathAndQuery, Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)));
        Assert.StartsWith("HTTP/1.1 101", head);
        return connection;
    }

    /// <summary>
    /// Sends an upgrade request for <paramref name="pathAndQuery"/> with <paramref name="key"/> and any
    /// <paramref name="extraHeaders"/> (whole lines, each ending in CRLF); returns the connection and the response head
    /// as sent (status line and headers, without the blank line), whatever the status.
    /// </summary>
    public static async Task<(RawFrameConnection Connection, string Head)> UpgradeAsync(
        Uri baseAddress, string pathAndQuery, string key, string extraHeaders = "")
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(baseAddress.Host, baseAddress.Port).WithTimeout();
        var connection = new RawFrameConnection(tcp);
        await connection._stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"GET {pathAndQuery} HTTP/1.1\r\nHost: {baseAddress.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n{extraHeaders}\r\n"));
        return (connection, await connection.ReadHeadAsync());
    }

    /// <summary>A session opened directly over WebSocket; returns the connection and its open packet.</summary>
    public static async Task<(RawFrameConnection Connection, string Sid)> HandshakeAsync(Uri baseAddress)
    {
        var connection = await OpenAsync(baseAddress, "/engine.io/?EIO=4&transport=websocket");
        var open = await connection.ReadFrameAsync();
        Assert.Equal(0x1, open.Opcode);
        return (connection, EioTestUtil.ParseOpen(open.Text).GetProperty("sid").GetString()!);
    }

    public Task SendAsync(params byte[] bytes) => _stream.WriteAsync(bytes).AsTask().WithTimeout();

    /// <summary>A masked client frame (the mask key is random).</summary>
    public static byte[] Frame(int opcode, ReadOnlySpan<byte> payload, bool fin = true)
    {
        var header = new List<byte> { (byte)((fin ? 0x80 : 0) | opcode) };
        if (payload.Length < 126)
        {
            header.Add((byte)(0x80 | payload.Length));
        }
        else if (payload.Length <= ushort.MaxValue)
        {
            header.Add(0x80 | 126);
            header.Add((byte)(payload.Length >> 8));
            header.Add((byte)payload.Length);
        }
        else
        {
            header.Add(0x80 | 127);
            for (var shift = 56; shift >= 0; shift -= 8)
                header.Add((byte)((long)payload.Length >> shift));
        }
        var mask = RandomNumberGenerator.GetBytes(4);
        header.AddRange(mask);
        var frame = new byte[header.Count + payload.Length];
        header.CopyTo(frame);
        for (var i = 0; i < payload.Length; i++)
            frame[header.Count + i] = (byte)(payload[i] ^ mask[i % 4]);
        return frame;
    }

    public static byte[] TextFrame(string text, bool fin = true, int opcode = 0x1) => Frame(opcode, Encoding.UTF8.GetBytes(text), fin);

    /// <summary>Reads the next frame the server sends, failing the test after the timeout.</summary>
    public async Task<ServerFrame> ReadFrameAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? EioTestUtil.Timeout);
        var header = await ReadExactAsync(2, cts.Token);
        var length = (long)(header[1] & 0x7F);
        if (length == 126)
        {
            var extended = await ReadExactAsync(2, cts.Token);
            length = (extended[0] << 8) | extended[1];
        }
        else if (length == 127)
        {
            var extended = await ReadExactAsync(8, cts.Token);
            length = 0;
            foreach (var b in extended)
                length = (length << 8) | b;
        }
        Assert.Equal(0, header[1] & 0x80); // a server frame is never masked
        var payload = await ReadExactAsync(checked((int)length), cts.Token);
        return new ServerFrame((header[0] & 0x80) != 0, header[0] & 0x0F, payload);
    }

    /// <summary>Reads until the server's close frame and returns its code (data frames before it are skipped).</summary>
    public async Task<int> ReadCloseCodeAsync(TimeSpan? timeout = null) => (await ReadCloseFrameAsync(timeout)).CloseCode;

    /// <summary>Reads until the server's close frame and returns it (data frames before it are skipped).</summary>
    public async Task<ServerFrame> ReadCloseFrameAsync(TimeSpan? timeout = null)
    {
        while (true)
        {
            var frame = await ReadFrameAsync(timeout);
            if (frame.IsClose)
                return frame;
        }
    }

    /// <summary>Ends the client's side of the TCP connection (FIN), as a client does once it has read the close frame.</summary>
    public void EndSending() => _tcp.Client.Shutdown(SocketShutdown.Send);

    /// <summary>Waits until the server ends the TCP connection; with <paramref name="resetAllowed"/> false, only FIN will do.</summary>
    public async Task WaitForEndAsync(TimeSpan? timeout = null, bool resetAllowed = true)
    {
        using var cts = new CancellationTokenSource(timeout ?? EioTestUtil.Timeout);
        try
        {
            Assert.Equal(0, _end - _start);
            Assert.Equal(0, await _stream.ReadAsync(_buffer, cts.Token));
        }
        catch (IOException) when (resetAllowed)
        {
            // A reset ends it too.
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("The server did not end the connection in time.");
        }
    }

    private async Task<string> ReadHeadAsync()
    {
        using var cts = new CancellationTokenSource(EioTestUtil.Timeout);
        while (true)
        {
            var end = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                var head = Encoding.ASCII.GetString(_buffer, _start, end);
                _start += end + 4;
                return head;
            }
            await FillAsync(cts.Token);
        }
    }

    private async Task<byte[]> ReadExactAsync(int count, CancellationToken cancellationToken)
    {
        var result = new byte[count];
        var copied = 0;
        while (copied < count)
        {
            if (_start == _end)
                await FillAsync(cancellationToken);
            var take = Math.Min(count - copied, _end - _start);
            _buffer.AsSpan(_start, take).CopyTo(result.AsSpan(copied));
            _start += take;
            copied += take;
        }
        return result;
    }

    private async Task FillAsync(CancellationToken cancellationToken)
    {
        if (_start == _end)
            _start = _end = 0;
        int read;
        try
        {
            read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("The server sent nothing in time.");
        }
        if (read == 0)
            throw new EndOfStreamException("The server ended the connection.");
        _end += read;
    }

    public ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }
}
