using System.Net;
using System.Net.Sockets;

namespace TypedIo.Benchmarks.LoadGenerator;

/// <summary>
/// Opens every client's TCP connection (WebSocket clients directly, polling clients through one HTTP handler), spread
/// over several loopback source addresses (127.0.0.1, .2, ...) so that tens of thousands of connections do not exhaust
/// one address's ports.
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
        Http = new HttpClient(Handler, disposeHandler: false) { Timeout = TimeSpan.FromSeconds(60) };
    }

    public SocketsHttpHandler Handler { get; }

    public HttpClient Http { get; }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken) =>
        new NetworkStream(await OpenSocketAsync(context.DnsEndPoint, cancellationToken).ConfigureAwait(false), ownsSocket: true);

    /// <summary>A TCP connection (no delay) to <paramref name="endPoint"/> from the next source address.</summary>
    public async ValueTask<Socket> OpenSocketAsync(EndPoint endPoint, CancellationToken cancellationToken)
    {
        var source = _sources[(int)((uint)Interlocked.Increment(ref _next) % (uint)_sources.Length)];
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Bind(new IPEndPoint(source, 0));
            await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The same with blocking calls only (a receive times out after 30 s): the socket is never registered with .NET's
    /// socket engine, so an <see cref="Epoll"/> loop can drive it.
    /// </summary>
    public Socket OpenSocket(EndPoint endPoint)
    {
        var source = _sources[(int)((uint)Interlocked.Increment(ref _next) % (uint)_sources.Length)];
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveTimeout = 30_000, SendTimeout = 30_000 };
        try
        {
            socket.Bind(new IPEndPoint(source, 0));
            socket.Connect(endPoint);
            return socket;
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
        Handler.Dispose();
    }
}
