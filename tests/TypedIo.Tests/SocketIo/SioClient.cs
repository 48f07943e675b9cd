using System.Net.WebSockets;
using System.Text.Json;
using TypedIo.Tests.EngineIo;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Tests.SocketIo;

/// <summary>
/// A raw Socket.IO client over one WebSocket: it sends exactly the text a test writes (Engine.IO type digit
/// included, as in <c>42["echo",1]</c>), answers pings, and receives with a timeout. No reconnection, no buffering, no checks:
/// tests can send malformed input.
/// </summary>
internal sealed class SioClient : IDisposable
{
    private SioClient(RawWebSocketClient ws, string engineSid)
    {
        Ws = ws;
        EngineSid = engineSid;
    }

    /// <summary>The Engine.IO session id from the open packet.</summary>
    public string EngineSid { get; }

    public RawWebSocketClient Ws { get; }

    /// <summary>Opens an Engine.IO session over WebSocket at <paramref name="path"/> and reads the open packet.</summary>
    public static Task<SioClient> ConnectAsync(TestHost host, string? query = null, string? origin = null, string path = "socket.io", IReadOnlyDictionary<string, string>? headers = null) =>
        ConnectAsync(host.WebSocketAddress, query, origin, path, headers);

    /// <summary>The same against a server at <paramref name="webSocketAddress"/> (<c>ws://host:port/</c>), a fixture process for example.</summary>
    public static async Task<SioClient> ConnectAsync(Uri webSocketAddress, string? query = null, string? origin = null, string path = "socket.io", IReadOnlyDictionary<string, string>? headers = null)
    {
        var uri = new Uri(webSocketAddress, path + "/?EIO=4&transport=websocket" + (query is null ? "" : "&" + query));
        var ws = await RawWebSocketClient.ConnectAsync(uri, origin, headers);
        var open = await ws.ReceiveTextAsync(SioTest.Timeout);
        return new SioClient(ws, EioTestUtil.ParseOpen(open).GetProperty("sid").GetString()!);
    }

    /// <summary>Opens a session and joins <paramref name="nsp"/>; returns the client and the socket id.</summary>
    public static async Task<(SioClient Client, string Sid)> ConnectAndJoinAsync(TestHost host, string nsp = "/", string? auth = null)
    {
        var client = await ConnectAsync(host);
        return (client, await client.JoinAsync(nsp, auth));
    }

    /// <summary>Sends a text frame exactly as given, for example <c>42["echo",1]</c>.</summary>
    public Task SendAsync(string text) => Ws.SendTextAsync(text);

    /// <summary>Sends a binary message (an attachment).</summary>
    public Task SendBinaryAsync(byte[] data) => Ws.SendBinaryAsync(data);

    /// <summary>Sends CONNECT for <paramref name="nsp"/> and returns the socket id of the reply.</summary>
    public async Task<string> JoinAsync(string nsp = "/", string? auth = null)
    {
        var prefix = nsp == "/" ? "40" : "40" + nsp + ",";
        await SendAsync(prefix + auth);
        var reply = await ReceiveAsync();
        Assert.StartsWith(prefix + "{", reply, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(reply[prefix.Length..]);
        return doc.RootElement.GetProperty("sid").GetString()!;
    }

    /// <summary>The next message or the close; Engine.IO pings are answered and skipped.</summary>
    public async Task<WsFrame> ReceiveFrameAsync(TimeSpan? timeout = null)
    {
        while (true)
        {
            var frame = await Ws.ReceiveAsync(timeout ?? SioTest.Timeout);
            if (frame.Type == WebSocketMessageType.Text && frame.Text == "2")
            {
                await Ws.SendTextAsync("3");
                continue;
            }
            return frame;
        }
    }

    /// <summary>The next Engine.IO message packet as text (<c>42[...]</c>); fails on a close or a binary frame.</summary>
    public async Task<string> ReceiveAsync(TimeSpan? timeout = null)
    {
        var frame = await ReceiveFrameAsync(timeout);
        Assert.False(frame.IsClose, "The connection closed while a packet was expected.");
        Assert.Equal(WebSocketMessageType.Text, frame.Type);
        Assert.StartsWith("4", frame.Text, StringComparison.Ordinal);
        return frame.Text;
    }

    /// <summary>The next message, which must be binary.</summary>
    public async Task<byte[]> ReceiveBinaryAsync()
    {
        var frame = await ReceiveFrameAsync();
        Assert.Equal(WebSocketMessageType.Binary, frame.Type);
        return frame.Data;
    }

    /// <summary>Receives until the server closes the connection; returns the messages seen before.</summary>
    public async Task<List<string>> ReceiveUntilCloseAsync()
    {
        var seen = new List<string>();
        while (true)
        {
            var frame = await ReceiveFrameAsync();
            if (frame.IsClose)
                return seen;
            seen.Add(frame.ToString());
        }
    }

    /// <summary>Sends an event and expects the server's echo handler to answer with <c>42["echo",...]</c>.</summary>
    public async Task AssertEchoAsync(string payload = "1")
    {
        await SendAsync($"42[\"echo\",{payload}]");
        Assert.Equal($"42[\"echo\",{payload}]", await ReceiveAsync());
    }

    /// <summary>Closes the WebSocket from the client side (a transport close for the server).</summary>
    public async Task CloseAsync()
    {
        using var cts = new CancellationTokenSource(SioTest.Timeout);
        await Ws.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);
    }

    public void Dispose() => Ws.Dispose();
}
