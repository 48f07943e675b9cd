using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;

namespace TypedIo.EngineIo;

/// <summary>
/// The WebSocket transport: one reader loop (the request's own task), and a drain of the session queue that starts on
/// the thread that queued a frame, when no drain is running: an echo is written by the thread that read the request,
/// with no hop to the thread pool. At most one drain runs at a time, so frames never interleave; a send that cannot
/// complete at once lets the drain continue asynchronously.
/// <para>
/// The handshake is answered by <see cref="WebSocketHandshake"/> (no WebSocket object is made); everything after it is
/// read and written here on the checked connection (<see cref="FrameCheckingStream"/>): frames are read by
/// <see cref="WebSocketFrameReader"/>, data frames written by <see cref="WebSocketFrameWriter"/>, pongs and the close
/// frame through the same write gate.
/// </para>
/// </summary>
internal sealed partial class WebSocketTransport : IOutboundDrainer
{
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(2);

    private readonly EngineIoSession _session;
    private FrameCheckingStream _stream = null!; // set by RunAsync once the handshake is done, before anything else uses it
    private WebSocketFrameReader _reader;
    private readonly HttpContext _context;
    private readonly IFrameCheckFeature? _frames;
    private volatile bool _reading;

    // The reader's wait for the drain to finish the close: made when reading stops (Written once the drain has finished).
    private TaskCompletionSource? _written;
    // The body of the client's close frame, once it sent one: the server's close frame repeats it.
    private byte[]? _clientClose;

    private WebSocketTransport(EngineIoSession session, HttpContext context)
    {
        _session = session;
        _context = context;
        _frames = context.Features.Get<IFrameCheckFeature>();
    }

    /// <summary>Accepts a WebSocket that has no session to join and closes it at once.</summary>
    public static async Task AcceptAndCloseAsync(HttpContext context)
    {
        using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        using var timeout = new CancellationTokenSource(CloseHandshakeTimeout);
        try
        {
            await socket.CloseAsync(WebSocketCloseStatus.PolicyViolation, null, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or OperationCanceledException)
        {
        }
    }

    /// <summary>A session opened directly over WebSocket.</summary>
    public static Task RunHandshakeAsync(EngineIoSession session, HttpContext context) =>
        new WebSocketTransport(session, context).RunAsync(upgrade: false);

    /// <summary>
    /// An upgrade from long-polling: <c>2probe</c> → <c>3probe</c>, then <c>5</c> switches the session over. Until
    /// then the session keeps polling and nothing but the probe answer is sent here.
    /// </summary>
    public static Task RunUpgradeAsync(EngineIoSession session, HttpContext context) =>
        new WebSocketTransport(session, context).RunAsync(upgrade: true);

    /// <summary>
    /// The whole life of the WebSocket in one method, so that an idle connection holds one pending async frame here:
    /// accepts it; for a new session connects it, for an upgrade runs the probe; then reads until the session or the
    /// socket closes, and waits for the drain to finish the close. The wait for the next message is a zero-byte read of
    /// the connection: it holds no buffer, no cancellation registration and no async frame but this one, so an idle
    /// connection costs little memory.
    /// </summary>
    private async Task RunAsync(bool upgrade)
    {
        try
        {
            // The handshake response. Over the checked connection (FrameCheckingUpgrade, always under MapEngineIo on
            // Kestrel) it is answered here, and no WebSocket is made. A WebSocket of a host's own (an in-memory test
            // server's) is accepted through its API and read and written through it (WebSocketMessageStream).
            if (_frames is not null)
            {
                _stream = await WebSocketHandshake.AcceptAsync(_context, _frames).ConfigureAwait(false);
            }
            else
            {
                var socket = await _context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
                _stream = new FrameCheckingStream(new WebSocketMessageStream(socket), _session.Server.Options.MaxHttpBufferSize);
            }
            _reader = new WebSocketFrameReader(_stream.MaxPayload);
        }
        catch (Exception ex)
        {
            if (upgrade)
            {
                _session.CancelUpgrade();
            }
            else
            {
                _session.Abort(EngineIoCloseReasons.TransportError);
                _session.Handshake.Detach();
            }
            await _session.Server.OnRequestFailedAsync(_context, ex).ConfigureAwait(false);
            return;
        }
        try
        {
            if (upgrade)
            {
                if (!await ProbeAsync().ConfigureAwait(false))
                {
                    _session.CancelUpgrade();
                    await CloseQuietlyAsync().ConfigureAwait(false);
                    await FinishCloseHandshakeAsync().ConfigureAwait(false);
                    return;
                }
                EngineIoLog.Upgraded(_session.Server.Logger, _session.Id);
            }
            else
            {
                await _session.ConnectAsync().ConfigureAwait(false);
            }

            _reading = true;
            _session.SetDrainer(this);
            var inline = _session.Server.Options.InlineScheduling;
            try
            {
                while (_session.State != EngineIoSession.SessionState.Closed)
                {
                    if (!_reader.HasBuffered)
                    {
                        // Idle: a zero-byte read waits for the next bytes and holds nothing.
                        var wait = _stream.ReadAsync(Memory<byte>.Empty, CancellationToken.None);
                        if (wait.IsCompletedSuccessfully)
                            wait.GetAwaiter().GetResult();
                        else
                            await wait.ConfigureAwait(false);
                    }
                    var read = ReadMessagesAsync(inline);
                    var next = read.IsCompletedSuccessfully ? read.Result : await read.ConfigureAwait(false);
                    if (next == ReadNext.Stop)
                        break;
                    if (next == ReadNext.EndTurn)
                    {
                        // Inline scheduling: let the engine thread serve the other sockets (see ReadTurn).
                        _session.Server.CountReadTurnEnded();
                        await Task.Yield();
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // The close handshake timed out and the connection was aborted.
            }
            catch (Exception ex) when (ex is WebSocketException or IOException or InvalidOperationException)
            {
                // The connection broke (a reset, or ended inside a frame): as when the client goes without a close frame.
                EngineIoLog.TransportFailed(_session.Server.Logger, _session.Id, ex.Message);
                _session.Abort(EngineIoCloseReasons.TransportClose);
            }
            finally
            {
                _reading = false;
                _session.Abort(EngineIoCloseReasons.TransportClose);
            }
            var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (Interlocked.CompareExchange(ref _written, written, null) is null)
                await written.Task.ConfigureAwait(false);
            await FinishCloseHandshakeAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The server hands this run to ASP.NET Core as the request's own task: it answers its failures itself.
            await _session.Server.OnRequestFailedAsync(_context, ex).ConfigureAwait(false);
        }
        finally
        {
            _reader.Release();
            _stream?.Dispose();
            // The handshake reads the request's headers while the request lasts; it ends with this method.
            if (!upgrade)
                _session.Handshake.Detach();
        }
    }
}
