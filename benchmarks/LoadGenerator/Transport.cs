using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;

namespace TypedIo.Benchmarks.LoadGenerator;

/// <summary>
/// One HTTP handler for every client. Its connect callback spreads connections over several loopback source
/// addresses (127.0.0.1, .2, ...) so that tens of thousands of connections do not exhaust one address's ports.
/// </summary>
internal sealed class Transport : IDisposable
{
    private readonly IPAddress[] _sources;
    private int _next;

    public Transport(int sourceAddresses)
    {
        _sources = new IPAddress[Math.Max(1, sourceAddresses)];
        for (var i = 0; i < _sources.Length; i++)
            _sources[i] = new IPAddress(new byte[] { 127, 0, 0, (byte)(i + 1) });
        Handler = new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            MaxConnectionsPerServer = int.MaxValue,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            ConnectCallback = ConnectAsync,
        };
        Invoker = new HttpMessageInvoker(Handler, disposeHandler: false);
        Http = new HttpClient(Handler, disposeHandler: false) { Timeout = TimeSpan.FromSeconds(60) };
    }

    public SocketsHttpHandler Handler { get; }

    public HttpMessageInvoker Invoker { get; }

    public HttpClient Http { get; }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var source = _sources[(int)((uint)Interlocked.Increment(ref _next) % (uint)_sources.Length)];
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Bind(new IPEndPoint(source, 0));
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Http.Dispose();
        Invoker.Dispose();
        Handler.Dispose();
    }
}

/// <summary>
/// A minimal Socket.IO client over one WebSocket that speaks the Engine.IO v4 / Socket.IO v5 frames directly:
/// no parser, no JSON; the benchmark frames are prebuilt byte arrays. Answers server pings.
/// </summary>
internal sealed class WsClient : IDisposable
{
    private static readonly byte[] Connect = "40"u8.ToArray();
    private static readonly byte[] Pong = "3"u8.ToArray();

    private readonly ClientWebSocket _socket = new();
    private byte[] _buffer = new byte[512];

    public ReadOnlySpan<byte> Last => _buffer.AsSpan(0, LastLength);

    public int LastLength { get; private set; }

    public static async Task<WsClient> ConnectAsync(Uri baseUri, Transport transport, CancellationToken cancellationToken)
    {
        var client = new WsClient();
        try
        {
            client._socket.Options.KeepAliveInterval = TimeSpan.Zero;
            var uri = new UriBuilder(baseUri) { Scheme = baseUri.Scheme == "https" ? "wss" : "ws", Path = "/socket.io/", Query = "EIO=4&transport=websocket" }.Uri;
            await client._socket.ConnectAsync(uri, transport.Invoker, cancellationToken).ConfigureAwait(false);
            // Engine.IO open packet, then the Socket.IO CONNECT of "/" and its reply; the fixture contract emits
            // "welcome" right after.
            await client.ReceiveAsync(cancellationToken).ConfigureAwait(false);
            if (client.Last.Length == 0 || client.Last[0] != (byte)'0')
                throw new InvalidDataException("expected an Engine.IO open packet, got " + client.LastText);
            await client.SendAsync(Connect, cancellationToken).ConfigureAwait(false);
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

    public string LastText => Encoding.UTF8.GetString(Last);

    private SemaphoreSlim? _sendGate;

    /// <summary>
    /// Lets one loop send while another receives (and answers pings): sends are then serialized, as a WebSocket allows
    /// one send at a time. The closed-loop clients send and receive in turn and do not need it.
    /// </summary>
    public void AllowConcurrentSends() => _sendGate ??= new SemaphoreSlim(1, 1);

    public ValueTask SendAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken = default) =>
        _sendGate is null ? _socket.SendAsync(frame, WebSocketMessageType.Text, true, cancellationToken) : SendGatedAsync(frame, cancellationToken);

    private async ValueTask SendGatedAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        await _sendGate!.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _socket.SendAsync(frame, WebSocketMessageType.Text, true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendGate.Release();
        }
    }

    /// <summary>Receives the next message other than a ping (pings are answered) into <see cref="Last"/>.</summary>
    public async ValueTask ReceiveAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var count = 0;
            while (true)
            {
                var result = await _socket.ReceiveAsync(_buffer.AsMemory(count), cancellationToken).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                    throw new WebSocketException("the server closed the connection");
                count += result.Count;
                if (result.EndOfMessage)
                    break;
                if (count == _buffer.Length)
                    Array.Resize(ref _buffer, _buffer.Length * 2);
            }
            LastLength = count;
            if (count == 1 && _buffer[0] == (byte)'2')
            {
                await SendAsync(Pong, cancellationToken).ConfigureAwait(false);
                continue;
            }
            return;
        }
    }

    public void Dispose()
    {
        _socket.Abort();
        _socket.Dispose();
    }
}
