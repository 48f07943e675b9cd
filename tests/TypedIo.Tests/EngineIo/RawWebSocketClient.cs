using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Tests.EngineIo;

/// <summary>One received WebSocket message, or the close of the connection.</summary>
internal readonly record struct WsFrame(WebSocketMessageType Type, byte[] Data)
{
    public bool IsClose => Type == WebSocketMessageType.Close;
    public string Text => Encoding.UTF8.GetString(Data);
    public override string ToString() => IsClose ? "<close>" : Type == WebSocketMessageType.Binary ? $"<binary {Data.Length}>" : Text;
}

/// <summary>A bare <see cref="ClientWebSocket"/> speaking Engine.IO frames, with receive-with-timeout.</summary>
internal sealed class RawWebSocketClient : IDisposable
{
    private RawWebSocketClient(ClientWebSocket socket) => Socket = socket;

    public ClientWebSocket Socket { get; }

    public static async Task<RawWebSocketClient> ConnectAsync(Uri uri, string? origin = null, IReadOnlyDictionary<string, string>? headers = null)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (origin is not null)
            socket.Options.SetRequestHeader("Origin", origin);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
            socket.Options.SetRequestHeader(name, value);
        using var cts = new CancellationTokenSource(EioTestUtil.Timeout);
        try
        {
            await socket.ConnectAsync(uri, cts.Token);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new RawWebSocketClient(socket);
    }

    /// <summary>Opens a session directly over WebSocket; returns the client and the open packet.</summary>
    public static async Task<(RawWebSocketClient Client, JsonElement Open)> HandshakeAsync(TestHost host)
    {
        var client = await ConnectAsync(EioTestUtil.WebSocketUri(host));
        var first = await client.ReceiveAsync();
        Assert.Equal(WebSocketMessageType.Text, first.Type);
        return (client, EioTestUtil.ParseOpen(first.Text));
    }

    /// <summary>Tries to connect and returns the HTTP status of the refusal.</summary>
    public static async Task<System.Net.HttpStatusCode> ConnectExpectingRefusalAsync(Uri uri, string? origin = null)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (origin is not null)
            socket.Options.SetRequestHeader("Origin", origin);
        using var cts = new CancellationTokenSource(EioTestUtil.Timeout);
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(uri, cts.Token));
        return socket.HttpStatusCode;
    }

    public Task SendTextAsync(string text) =>
        Socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None).WithTimeout();

    public Task SendBinaryAsync(byte[] data) =>
        Socket.SendAsync(data, WebSocketMessageType.Binary, true, CancellationToken.None).WithTimeout();

    /// <summary>Receives one whole message (or the close), failing the test after the timeout.</summary>
    public async Task<WsFrame> ReceiveAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? EioTestUtil.Timeout);
        using var data = new MemoryStream();
        var buffer = new byte[8192];
        while (true)
        {
            ValueWebSocketReceiveResult result;
            try
            {
                result = await Socket.ReceiveAsync(buffer.AsMemory(), cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException("No WebSocket message in time.");
            }
            catch (WebSocketException)
            {
                // The server dropped the connection without a close handshake: that is a close too.
                return new WsFrame(WebSocketMessageType.Close, []);
            }
            if (result.MessageType == WebSocketMessageType.Close)
                return new WsFrame(WebSocketMessageType.Close, []);
            data.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
                return new WsFrame(result.MessageType, data.ToArray());
        }
    }

    /// <summary>Receives a text message and returns it, failing on anything else.</summary>
    public async Task<string> ReceiveTextAsync(TimeSpan? timeout = null)
    {
        var frame = await ReceiveAsync(timeout);
        Assert.Equal(WebSocketMessageType.Text, frame.Type);
        return frame.Text;
    }

    /// <summary>Receives until the server closes; returns the text messages received before the close.</summary>
    public async Task<List<string>> ReceiveUntilCloseAsync(TimeSpan? timeout = null)
    {
        var seen = new List<string>();
        while (true)
        {
            var frame = await ReceiveAsync(timeout);
            if (frame.IsClose)
                return seen;
            seen.Add(frame.Text);
        }
    }

    public void Dispose() => Socket.Dispose();
}
