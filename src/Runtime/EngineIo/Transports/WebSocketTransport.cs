using System.Buffers;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;
using TypedIo.Diagnostics;

namespace TypedIo.EngineIo;

/// <summary>
/// The WebSocket transport: one reader loop (the request's own task), and a drain of the session queue that starts on
/// the thread that queued a frame, when no drain is running: an echo is written by the thread that read the request,
/// with no hop to the thread pool. At most one drain runs at a time, so frames never interleave; a send that cannot
/// complete at once lets the drain continue asynchronously.
/// </summary>
internal sealed class WebSocketTransport : IOutboundDrainer
{
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(2);

    private readonly EngineIoSession _session;
    private WebSocket _socket = null!; // accepted by RunAsync, before anything else uses it
    private readonly HttpContext _context;
    private readonly IFrameCheckFeature? _frames;
    private volatile bool _reading;
    private static readonly TaskCompletionSource Written = CompletedSource();

    // The reader's wait for the drain to finish the close: made when reading stops (Written once the drain has finished).
    private TaskCompletionSource? _written;
    private WebSocketCloseStatus _closeStatus = WebSocketCloseStatus.NormalClosure;
    private int _draining;
    private ReadTurn _turn;

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

    private async Task<bool> ProbeAsync()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_session.Closed);
        timeout.CancelAfter(_session.Server.Options.UpgradeTimeout);
        var buffer = ArrayPool<byte>.Shared.Rent(16);
        try
        {
            var (count, type) = await ReceiveSmallAsync(buffer, timeout.Token).ConfigureAwait(false);
            if (type != WebSocketMessageType.Text || !buffer.AsSpan(0, count).SequenceEqual("2probe"u8))
                return false;
            await _socket.SendAsync(EngineFrame.ProbePongFrame.Bytes, WebSocketMessageType.Text, true, timeout.Token).ConfigureAwait(false);
            _session.MarkProbed();

            (count, type) = await ReceiveSmallAsync(buffer, timeout.Token).ConfigureAwait(false);
            return type == WebSocketMessageType.Text && buffer.AsSpan(0, count).SequenceEqual("5"u8) && _session.CompleteUpgrade();
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or InvalidDataException)
        {
            // A refused frame ends this WebSocket only: the session goes on polling, as in Node.
            if (!ReportRefusedFrame())
                EngineIoLog.UpgradeFailed(_session.Server.Logger, _session.Id, ex.Message);
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads one short message; anything longer than the buffer counts as not what was expected.</summary>
    private async Task<(int Count, WebSocketMessageType Type)> ReceiveSmallAsync(byte[] buffer, CancellationToken cancellationToken)
    {
        var result = await _socket.ReceiveAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
        return result.EndOfMessage ? (result.Count, result.MessageType) : (0, WebSocketMessageType.Close);
    }

    /// <summary>
    /// The whole life of the WebSocket in one method, so that an idle connection holds one pending async frame here:
    /// accepts it; for a new session connects it, for an upgrade runs the probe; then reads until the session or the
    /// socket closes, and waits for the drain to finish the close. The wait for the next message holds no buffer and no
    /// cancellation registration, so an idle connection costs little memory.
    /// </summary>
    private async Task RunAsync(bool upgrade)
    {
        try
        {
            _socket = await _context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
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
                    var peek = await _socket.ReceiveAsync(Memory<byte>.Empty, CancellationToken.None).ConfigureAwait(false);
                    if (peek.MessageType == WebSocketMessageType.Close)
                    {
                        _session.Abort(EngineIoCloseReasons.TransportClose);
                        break;
                    }
                    var read = ReadMessageAsync(peek, inline);
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
                // The close handshake timed out and the socket was aborted.
            }
            catch (Exception ex) when (ex is WebSocketException or IOException or InvalidOperationException)
            {
                if (ReportRefusedFrame())
                {
                    _session.Abort(EngineIoCloseReasons.TransportError);
                }
                else
                {
                    EngineIoLog.TransportFailed(_session.Server.Logger, _session.Id, ex.Message);
                    _session.Abort(_socket.State == WebSocketState.Aborted ? EngineIoCloseReasons.TransportClose : EngineIoCloseReasons.TransportError);
                }
            }
            finally
            {
                _reading = false;
                _session.Abort(EngineIoCloseReasons.TransportClose);
            }
            var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (Interlocked.CompareExchange(ref _written, written, null) is null)
                await written.Task.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The server hands this run to ASP.NET Core as the request's own task: it answers its failures itself.
            await _session.Server.OnRequestFailedAsync(_context, ex).ConfigureAwait(false);
        }
        finally
        {
            _socket.Dispose();
            // The handshake reads the request's headers while the request lasts; it ends with this method.
            if (!upgrade)
                _session.Handshake.Detach();
        }
    }

    /// <summary>Logs and counts a frame the checks refused (their close frame is already sent); false if none was.</summary>
    private bool ReportRefusedFrame()
    {
        if (_frames?.Violation is not { } violation)
            return false;
        EngineIoLog.WebSocketFrameRefused(_session.Server.Logger, _session.Id, (int)violation.Status, violation.Reason);
        _session.Server.Metrics.PacketRejected(violation.Status == WebSocketCloseStatus.MessageTooBig
            ? TypedIoTelemetry.RejectionReasons.TooLarge
            : TypedIoTelemetry.RejectionReasons.ParseError);
        return true;
    }

    /// <inheritdoc />
    public void OnQueued()
    {
        if (Interlocked.CompareExchange(ref _draining, 1, 0) == 0)
            _ = DrainAsync();
    }

    /// <summary>What the read loop does after a message.</summary>
    private enum ReadNext
    {
        Stop,
        Continue,
        EndTurn,
    }

    /// <summary>
    /// Reads the rest of the message <paramref name="peek"/> announced and hands it to the session. In
    /// <paramref name="inline"/> scheduling it counts the handling against the connection's turn (<see cref="ReadTurn"/>)
    /// and says when the turn is over.
    /// </summary>
    private async ValueTask<ReadNext> ReadMessageAsync(ValueWebSocketReceiveResult peek, bool inline)
    {
        var maxSize = _session.Server.Options.MaxHttpBufferSize;
        var buffer = ArrayPool<byte>.Shared.Rent(peek.EndOfMessage ? 1 : 4096);
        try
        {
            var count = 0;
            var type = peek.MessageType;
            var endOfMessage = peek.EndOfMessage;
            while (!endOfMessage)
            {
                if (count == buffer.Length)
                    buffer = Grow(buffer, Math.Min((long)buffer.Length * 2, maxSize + 1L));
                var result = await _socket.ReceiveAsync(buffer.AsMemory(count), CancellationToken.None).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    _session.Abort(EngineIoCloseReasons.TransportClose);
                    return ReadNext.Stop;
                }
                count += result.Count;
                endOfMessage = result.EndOfMessage;
                if (count > maxSize)
                {
                    EngineIoLog.PayloadTooLarge(_session.Server.Logger, _session.Id, maxSize);
                    _session.Server.Metrics.PacketRejected(TypedIoTelemetry.RejectionReasons.TooLarge);
                    // The writer loop sends the close frame: closing here too would race it.
                    _closeStatus = WebSocketCloseStatus.MessageTooBig;
                    _session.Abort(EngineIoCloseReasons.TransportError);
                    return ReadNext.Stop;
                }
            }

            // While a graceful close drains, the client's packets are ignored but reading goes on.
            var clock = _session.Server.TimeProvider;
            var started = inline ? clock.GetTimestamp() : 0;
            var handled = _session.ReceiveAsync(buffer.AsMemory(0, count), type == WebSocketMessageType.Binary);
            if (!handled.IsCompletedSuccessfully)
            {
                await handled.ConfigureAwait(false);
                // Resumed by the handler's completion, not by this connection's receive: a new turn.
                if (inline)
                    _turn.Reset(clock.GetTimestamp());
            }
            else
            {
                handled.GetAwaiter().GetResult();
                if (inline && _turn.Spend(started, clock.GetTimestamp(), _session.Server.ReadTurnBudget))
                    return ReadNext.EndTurn;
            }
            return ReadNext.Continue;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static byte[] Grow(byte[] buffer, long size)
    {
        var bigger = ArrayPool<byte>.Shared.Rent((int)size);
        buffer.AsSpan().CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(buffer);
        return bigger;
    }

    /// <summary>
    /// Writes queued frames until the queue is empty, then lets the next send start a drain again. When the queue has
    /// completed (a graceful close, all written) or the session closed, it ends the session and the WebSocket. The
    /// frames queued at once go out in one write (<see cref="WebSocketFrameWriter"/>); the WebSocket itself still
    /// reads, answers pings and closes.
    /// </summary>
    private async Task DrainAsync()
    {
        var outbound = _session.Outbound;
        try
        {
            while (true)
            {
                while (_session.State != EngineIoSession.SessionState.Closed && outbound.TryRead(out var frame))
                {
                    long bytes;
                    ValueTask send;
                    // Data frames go straight to the checked connection; a WebSocket made over another stream sends them.
                    if (_frames?.Stream is { } stream)
                    {
                        send = WebSocketFrameWriter.WriteAsync(stream, frame, outbound, out bytes);
                    }
                    else
                    {
                        send = _socket.SendAsync(frame.Bytes, frame.IsBinary ? WebSocketMessageType.Binary : WebSocketMessageType.Text, true, CancellationToken.None);
                        bytes = frame.Bytes.Length;
                    }
                    if (send.IsCompletedSuccessfully)
                        send.GetAwaiter().GetResult(); // a pooled source goes back to its pool
                    else
                        await AwaitSendAsync(send).ConfigureAwait(false);
                    _session.Server.Metrics.BytesSent(EngineIoTransports.WebSocket, bytes);
                }

                if (_session.State == EngineIoSession.SessionState.Closed || outbound.IsCompleted)
                    break;

                Volatile.Write(ref _draining, 0);
                // A frame queued (or the queue completed) after the last read found the drain still running and left
                // it to this one: look again, and go on if no other drain has started meanwhile.
                if ((outbound.Count == 0 && !outbound.IsCompleted && _session.State != EngineIoSession.SessionState.Closed)
                    || Interlocked.CompareExchange(ref _draining, 1, 0) != 0)
                    return;
            }
            if (_session.State != EngineIoSession.SessionState.Closed)
                _session.CompleteClose();
        }
        catch (Exception ex)
        {
            // Whatever ends a send (a WebSocket aborted meanwhile fails it with OperationCanceledException, as does a
            // connection Kestrel aborted) ends the session here: this task is not awaited, so an exception left to it
            // would vanish and leave the request waiting for this drain forever.
            EngineIoLog.TransportFailed(_session.Server.Logger, _session.Id, ex.Message);
            _session.Abort(EngineIoCloseReasons.TransportError);
        }
        await CloseQuietlyAsync(_closeStatus).ConfigureAwait(false);
        Interlocked.Exchange(ref _written, Written)?.TrySetResult();
    }

    /// <summary>
    /// Waits for a frame that is still being written. If the session closes meanwhile and the frame is still not out
    /// after the close handshake's time (a client that reads nothing: the TCP window is full), the connection is cut:
    /// else the stuck write would hold the request, and what it references, forever.
    /// </summary>
    private async Task AwaitSendAsync(ValueTask send)
    {
        var task = send.AsTask();
        try
        {
            await task.WaitAsync(_session.Closed).ConfigureAwait(false);
            return;
        }
        catch (OperationCanceledException)
        {
            // The session closed, or the send itself was cancelled (then the wait below ends at once and rethrows it).
        }
        if (await Task.WhenAny(task, Task.Delay(CloseHandshakeTimeout)).ConfigureAwait(false) == task)
        {
            await task.ConfigureAwait(false);
            return;
        }
        _socket.Abort();
        // Aborting the WebSocket does not always end a write stuck in Kestrel's output (nor, then, the read loop): the
        // connection itself is reset, which fails both, so the request ends.
        _context.Abort();
        _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        throw new WebSocketException(WebSocketError.ConnectionClosedPrematurely, "A frame was still being written when the session closed.");
    }

    private static TaskCompletionSource CompletedSource()
    {
        var source = new TaskCompletionSource();
        source.SetResult();
        return source;
    }

    /// <summary>Starts the close handshake and stops reading if the client does not finish it in time.</summary>
    private async Task CloseQuietlyAsync(WebSocketCloseStatus status = WebSocketCloseStatus.NormalClosure)
    {
        try
        {
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var timeout = new CancellationTokenSource(CloseHandshakeTimeout);
                await _socket.CloseOutputAsync(status, null, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // Nothing more to say to a client that is gone.
        }
        finally
        {
            _ = AbortIfStillReadingAsync();
        }
    }

    /// <summary>
    /// Stops the read loop if the client has not finished the close handshake in time (what cancelling the receive
    /// would do, without a cancellation source held by every connection for its whole life).
    /// </summary>
    private async Task AbortIfStillReadingAsync()
    {
        await Task.Delay(CloseHandshakeTimeout).ConfigureAwait(false);
        if (_reading)
            _socket.Abort();
    }
}
