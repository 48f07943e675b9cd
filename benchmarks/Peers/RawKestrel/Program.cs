using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;

// The ceiling for the TypedIo benchmarks: a raw Kestrel WebSocket server that hard-codes just enough Engine.IO v4 /
// Socket.IO v5 framing for the load generator (handshake, CONNECT, echo, ack, join, room-emit) by string matching.
// No parser, no JSON, no heartbeat, no long-polling: what is left is the cost of Kestrel and its WebSockets.
// --inline: Kestrel's socket transport runs its pipe callbacks on the socket engine's thread
// (UnsafePreferInlineScheduling) instead of queueing them to the thread pool; run it with
// DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 too (read by the runtime from the environment only), so socket
// completions also run inline. The ceiling for a server whose handlers never block.
var port = 3100;
var inline = args.Contains("--inline");
for (var i = 0; i < args.Length - 1; i++)
{
    if (args[i] == "--port")
        port = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture);
}

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenAnyIP(port));
if (inline)
    builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = true);
var app = builder.Build();
app.UseWebSockets();
var rooms = new Rooms();
app.Map("/socket.io/", async context =>
{
    if (!context.WebSockets.IsWebSocketRequest || context.Request.Query["transport"] != "websocket")
    {
        context.Response.StatusCode = 400;
        return;
    }
    using var socket = await context.WebSockets.AcceptWebSocketAsync();
    var connection = new RawConnection(socket, rooms);
    await connection.RunAsync(context.RequestAborted);
});
app.Lifetime.ApplicationStarted.Register(() => Console.WriteLine(
    $"listening on http://0.0.0.0:{port}" + (inline ? $" (inline scheduling; inline socket completions: {Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") == "1"})" : "")));
app.Run();

internal sealed class Rooms
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<RawConnection, byte>> _rooms = new(StringComparer.Ordinal);

    public void Join(string room, RawConnection connection) =>
        _rooms.GetOrAdd(room, static _ => new ConcurrentDictionary<RawConnection, byte>())[connection] = 0;

    public void LeaveAll(RawConnection connection, IEnumerable<string> joined)
    {
        foreach (var room in joined)
        {
            if (_rooms.TryGetValue(room, out var members))
                members.TryRemove(connection, out _);
        }
    }

    public void Emit(string room, byte[] frame)
    {
        if (!_rooms.TryGetValue(room, out var members))
            return;
        foreach (var member in members)
            member.Key.Send(frame);
    }
}

internal sealed class RawConnection(WebSocket socket, Rooms rooms)
{
    private static readonly byte[] Open = Encoding.UTF8.GetBytes("0{\"sid\":\"SID\",\"upgrades\":[],\"pingInterval\":25000,\"pingTimeout\":20000,\"maxPayload\":1000000}");

    private readonly ConcurrentQueue<byte[]> _outbound = new();
    private readonly List<string> _joined = [];
    private readonly string _id = NewId();
    private int _sending;

    private static string NewId() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(15)).Replace('+', '-').Replace('/', '_');

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        Send(Open);
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                // Wait for data without holding a buffer (like TypedIo), so idle connections cost little memory.
                var peek = await socket.ReceiveAsync(Memory<byte>.Empty, cancellationToken);
                if (peek.MessageType == WebSocketMessageType.Close)
                    break;
                var buffer = ArrayPool<byte>.Shared.Rent(4096);
                try
                {
                    var count = 0;
                    ValueWebSocketReceiveResult result;
                    do
                    {
                        if (count == buffer.Length)
                        {
                            var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                            buffer.AsSpan(0, count).CopyTo(bigger);
                            ArrayPool<byte>.Shared.Return(buffer);
                            buffer = bigger;
                        }
                        result = await socket.ReceiveAsync(buffer.AsMemory(count), cancellationToken);
                        count += result.Count;
                    }
                    while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);
                    if (result.MessageType == WebSocketMessageType.Close)
                        break;
                    OnMessage(buffer.AsSpan(0, count));
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
        }
        finally
        {
            lock (_joined)
                rooms.LeaveAll(this, _joined);
        }
    }

    private void OnMessage(ReadOnlySpan<byte> message)
    {
        // 40 -> CONNECT reply + welcome.
        if (message.SequenceEqual("40"u8))
        {
            Send(Encoding.UTF8.GetBytes("40{\"sid\":\"" + _id + "\"}"));
            Send(Encoding.UTF8.GetBytes("42[\"welcome\",{\"id\":\"" + _id + "\",\"auth\":{}}]"));
            return;
        }
        if (message.SequenceEqual("3"u8))
            return; // pong

        if (message.Length < 3 || message[0] != (byte)'4' || message[1] != (byte)'2')
            return;

        // 42[digits]["event",...]
        var idEnd = 2;
        while (idEnd < message.Length && (uint)(message[idEnd] - '0') <= 9)
            idEnd++;
        var ackId = message[2..idEnd];
        var body = message[idEnd..];

        if (body.StartsWith("[\"echo\""u8))
        {
            Send(message.ToArray()); // the echo is the same frame
        }
        else if (body.StartsWith("[\"ack\","u8) && ackId.Length > 0)
        {
            // 42N["ack",X...] -> 43N[X...]
            var rest = body["[\"ack\","u8.Length..];
            var reply = new byte[2 + ackId.Length + 1 + rest.Length];
            reply[0] = (byte)'4';
            reply[1] = (byte)'3';
            ackId.CopyTo(reply.AsSpan(2));
            reply[2 + ackId.Length] = (byte)'[';
            rest.CopyTo(reply.AsSpan(3 + ackId.Length));
            Send(reply);
        }
        else if (body.StartsWith("[\"join\",\""u8) && ackId.Length > 0)
        {
            var nameStart = "[\"join\",\""u8.Length;
            var nameLength = body[nameStart..].IndexOf((byte)'"');
            var room = Encoding.UTF8.GetString(body.Slice(nameStart, nameLength));
            lock (_joined)
                _joined.Add(room);
            rooms.Join(room, this);
            var sorted = new[] { _id, room };
            Array.Sort(sorted, StringComparer.Ordinal);
            Send(Encoding.UTF8.GetBytes("43" + Encoding.UTF8.GetString(ackId) + "[[\"" + sorted[0] + "\",\"" + sorted[1] + "\"]]"));
        }
        else if (body.StartsWith("[\"room-emit\",\""u8))
        {
            // 42["room-emit","room",REST -> 42[REST, encoded once for every member
            var nameStart = "[\"room-emit\",\""u8.Length;
            var nameLength = body[nameStart..].IndexOf((byte)'"');
            var room = Encoding.UTF8.GetString(body.Slice(nameStart, nameLength));
            var rest = body[(nameStart + nameLength + 2)..];
            var frame = new byte[3 + rest.Length];
            "42["u8.CopyTo(frame);
            rest.CopyTo(frame.AsSpan(3));
            rooms.Emit(room, frame);
        }
    }

    /// <summary>
    /// Queues a frame; the first caller to find the connection idle writes inline (no thread hop) until the queue
    /// is empty. A send that does not complete at once continues asynchronously without blocking the caller.
    /// </summary>
    public void Send(byte[] frame)
    {
        _outbound.Enqueue(frame);
        if (Interlocked.CompareExchange(ref _sending, 1, 0) == 0)
            _ = DrainAsync();
    }

    private async Task DrainAsync()
    {
        try
        {
            while (true)
            {
                while (_outbound.TryDequeue(out var frame))
                    await socket.SendAsync(frame, WebSocketMessageType.Text, true, CancellationToken.None);
                Volatile.Write(ref _sending, 0);
                if (_outbound.IsEmpty || Interlocked.CompareExchange(ref _sending, 1, 0) != 0)
                    return;
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or IOException or InvalidOperationException)
        {
            _outbound.Clear();
        }
    }
}
