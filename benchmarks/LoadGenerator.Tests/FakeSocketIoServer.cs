using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace TypedIo.Benchmarks.LoadGenerator.Tests;

/// <summary>
/// Just enough of a Socket.IO server over WebSocket for the load generator's connect sequence (upgrade, open packet,
/// CONNECT reply and <c>welcome</c>), on a real loopback socket. <paramref name="accept"/> decides, by the order in which
/// connections arrive (0, 1, ...), whether one is served (held open until the client closes it) or closed at once;
/// <paramref name="dropAfterWelcome"/> whether a served one is closed by the server right after its welcome. Served
/// connections get an Engine.IO ping right after their welcome (<see cref="Pongs"/> counts the answers), have their
/// <c>echo</c> events sent back and their <c>ack</c> events acknowledged; <paramref name="dropAfterReplies"/> closes one
/// after that many replies. <c>join</c> (with an ack) puts a connection in the one room, which <c>room-emit</c> sends to.
/// </summary>
internal sealed class FakeSocketIoServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<int, bool> _accept;
    private readonly Func<int, bool> _dropAfterWelcome;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private readonly List<Socket> _room = [];
    private readonly Task _acceptLoop;
    private int _arrived;
    private int _welcomed;

    private readonly Func<int, int> _dropAfterReplies;
    private int _pongs;

    public FakeSocketIoServer(Func<int, bool> accept, Func<int, bool>? dropAfterWelcome = null, Func<int, int>? dropAfterReplies = null)
    {
        _accept = accept;
        _dropAfterWelcome = dropAfterWelcome ?? (_ => false);
        _dropAfterReplies = dropAfterReplies ?? (_ => int.MaxValue);
        _listener.Start(1024);
        _acceptLoop = AcceptLoopAsync();
    }

    public Uri Url => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    /// <summary>Connections that got their <c>welcome</c>.</summary>
    public int Welcomed => Volatile.Read(ref _welcomed);

    /// <summary>Engine.IO pongs received (one ping is sent to every served connection).</summary>
    public int Pongs => Volatile.Read(ref _pongs);

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token).ConfigureAwait(false);
                var index = _arrived++;
                if (!_accept(index))
                {
                    socket.Dispose();
                    continue;
                }
                lock (_connections)
                    _connections.Add(ServeAsync(socket, _dropAfterWelcome(index), _dropAfterReplies(index)));
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task ServeAsync(Socket socket, bool drop, int repliesBeforeDrop)
    {
        var replies = 0;
        using var _ = socket;
        var buffer = new byte[4096];
        var length = 0;
        try
        {
            int headerEnd;
            while ((headerEnd = buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8)) < 0)
                length += await ReceiveAsync(socket, buffer.AsMemory(length)).ConfigureAwait(false);
            var head = Encoding.ASCII.GetString(buffer, 0, headerEnd);
            var key = head.Split("\r\n").First(l => l.StartsWith("Sec-WebSocket-Key:", StringComparison.OrdinalIgnoreCase))["Sec-WebSocket-Key:".Length..].Trim();
            var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
            await socket.SendAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: {accept}\r\n\r\n")).ConfigureAwait(false);
            await socket.SendAsync(ServerFrame("0{\"sid\":\"s\",\"upgrades\":[],\"pingInterval\":25000,\"pingTimeout\":20000,\"maxPayload\":1000000}")).ConfigureAwait(false);
            length -= headerEnd + 4;
            buffer.AsSpan(headerEnd + 4, length).CopyTo(buffer);
            while (true)
            {
                // Client frames here are short, masked text frames: 2 header bytes, 4 mask bytes, the payload.
                while (length < 2 || length < 6 + (buffer[1] & 0x7F))
                    length += await ReceiveAsync(socket, buffer.AsMemory(length)).ConfigureAwait(false);
                var payloadLength = buffer[1] & 0x7F;
                var payload = new byte[payloadLength];
                for (var i = 0; i < payloadLength; i++)
                    payload[i] = (byte)(buffer[6 + i] ^ buffer[2 + (i % 4)]);
                length -= 6 + payloadLength;
                buffer.AsSpan(6 + payloadLength, length).CopyTo(buffer);
                if (payload.AsSpan().SequenceEqual("40"u8))
                {
                    Send(socket, ServerFrame("40{\"sid\":\"x\"}"));
                    Send(socket, ServerFrame("42[\"welcome\",{}]"));
                    Interlocked.Increment(ref _welcomed);
                    if (drop)
                        return;
                    Send(socket, ServerFrame("2"));
                }
                else if (payload.AsSpan().SequenceEqual("3"u8))
                {
                    Interlocked.Increment(ref _pongs);
                }
                else if (payload.AsSpan().StartsWith("42[\"echo\""u8) || payload.AsSpan().IndexOf("[\"ack\","u8) > 0)
                {
                    if (replies++ == repliesBeforeDrop)
                        return;
                    var text = Encoding.UTF8.GetString(payload);
                    // 42N["ack",X] -> 43N[X]
                    Send(socket, ServerFrame(text.StartsWith("42[", StringComparison.Ordinal) ? text : "43" + text[2..text.IndexOf('[', StringComparison.Ordinal)] + "[" + text[(text.IndexOf(',', StringComparison.Ordinal) + 1)..]));
                }
                else if (payload.AsSpan().StartsWith("420[\"join\",\"bench\"]"u8))
                {
                    lock (_room)
                        _room.Add(socket);
                    Send(socket, ServerFrame("430[[\"x\",\"bench\"]]"));
                }
                else if (payload.AsSpan().StartsWith("42[\"room-emit\",\"bench\","u8))
                {
                    // 42["room-emit","bench",REST -> 42[REST to every member
                    var frame = ServerFrame("42[" + Encoding.UTF8.GetString(payload)["42[\"room-emit\",\"bench\",".Length..]);
                    Socket[] members;
                    lock (_room)
                        members = [.. _room];
                    foreach (var member in members)
                        Send(member, frame);
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException)
        {
        }
    }

    /// <summary>A whole frame at a time: a connection's frames come from its own task and from broadcasting ones.</summary>
    private static void Send(Socket socket, byte[] frame)
    {
        lock (socket)
        {
            try
            {
                socket.Send(frame);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // A member that is gone.
            }
        }
    }

    private static async Task<int> ReceiveAsync(Socket socket, Memory<byte> buffer)
    {
        var read = await socket.ReceiveAsync(buffer).ConfigureAwait(false);
        return read > 0 ? read : throw new IOException("the client closed");
    }

    private static byte[] ServerFrame(string text)
    {
        var payload = Encoding.UTF8.GetBytes(text);
        return [0x81, (byte)payload.Length, .. payload];
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _acceptLoop.ConfigureAwait(false);
        Task[] connections;
        lock (_connections)
            connections = [.. _connections];
        await Task.WhenAll(connections).ConfigureAwait(false);
        _stop.Dispose();
    }
}
