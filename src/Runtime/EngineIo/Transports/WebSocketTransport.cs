using System.Buffers;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http;
using TypedIo.Diagnostics;

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
internal sealed class WebSocketTransport : IOutboundDrainer
{
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(2);

    private static readonly byte[] ProbeRequest = "2probe"u8.ToArray();
    private static readonly byte[] UpgradeRequest = "5"u8.ToArray();
    private static readonly byte[] ProbeAnswer = WebSocketFrameWriter.Frame(0x1, EngineFrame.ProbePongFrame.Bytes.Span);

    private readonly EngineIoSession _session;
    private FrameCheckingStream _stream = null!; // set by RunAsync once the handshake is done, before anything else uses it
    private WebSocketFrameReader _reader;
    private readonly HttpContext _context;
    private readonly IFrameCheckFeature? _frames;
    private volatile bool _reading;
    private static readonly TaskCompletionSource Written = CompletedSource();

    // The reader's wait for the drain to finish the close: made when reading stops (Written once the drain has finished).
    private TaskCompletionSource? _written;
    // The body of the client's close frame, once it sent one: the server's close frame repeats it.
    private byte[]? _clientClose;
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
        try
        {
            if (!await ReceiveExpectedAsync(ProbeRequest, timeout.Token).ConfigureAwait(false))
                return false;
            await _stream.WriteFramesAsync(ProbeAnswer).ConfigureAwait(false);
            _session.MarkProbed();
            return await ReceiveExpectedAsync(UpgradeRequest, timeout.Token).ConfigureAwait(false) && _session.CompleteUpgrade();
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException)
        {
            EngineIoLog.UpgradeFailed(_session.Server.Logger, _session.Id, ex.Message);
            return false;
        }
    }

    /// <summary>
    /// Reads the next message during the probe: true if it is the text <paramref name="expected"/>. Pings are answered;
    /// a refused frame ends this WebSocket only (its close frame is sent): the session goes on polling, as in Node.
    /// </summary>
    private async Task<bool> ReceiveExpectedAsync(byte[] expected, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (!await FillIfEmptyAsync(cancellationToken).ConfigureAwait(false))
                return false;
            var found = _reader.Next(out var payload, out var violation);
            switch (found)
            {
                case FrameEvent.NeedMore:
                    continue;
                case FrameEvent.Ping:
                    await SendPongAsync(payload).ConfigureAwait(false);
                    continue;
                case FrameEvent.Refused:
                    await _stream.RefuseAsync(violation!).ConfigureAwait(false);
                    ReportRefusedFrame();
                    return false;
                case FrameEvent.Text:
                    return payload.Span.SequenceEqual(expected);
                case FrameEvent.Close:
                    _clientClose = payload.ToArray();
                    return false;
                default:
                    return false;
            }
        }
    }

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

    /// <summary>Logs and counts a frame the checks refused (their close frame is already sent); false if none was.</summary>
    private bool ReportRefusedFrame()
    {
        if (_stream.Violation is not { } violation)
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
    /// Reads what has arrived (after the zero-byte wait, or what a turn left) and handles every message, ping and close
    /// in it. In <paramref name="inline"/> scheduling it counts the handling against the connection's turn
    /// (<see cref="ReadTurn"/>) and says when the turn is over; the bytes not used yet wait for the next turn.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ReadNext> ReadMessagesAsync(bool inline)
    {
        if (!_reader.HasBuffered)
        {
            var count = await _stream.ReadAsync(_reader.ReadBuffer(), CancellationToken.None).ConfigureAwait(false);
            _reader.Filled(count);
            if (count == 0)
            {
                // The client went without a close frame.
                _session.Abort(EngineIoCloseReasons.TransportClose);
                return ReadNext.Stop;
            }
        }
        var endTurn = false;
        while (true)
        {
            if (endTurn && _reader.HasBuffered)
                return ReadNext.EndTurn;
            var found = _reader.Next(out var payload, out var violation);
            switch (found)
            {
                case FrameEvent.NeedMore:
                    return endTurn ? ReadNext.EndTurn : ReadNext.Continue;
                case FrameEvent.Ping:
                    await SendPongAsync(payload).ConfigureAwait(false);
                    continue;
                case FrameEvent.Close:
                    // The drain answers with the client's own close body once the session has closed (as ws does).
                    Volatile.Write(ref _clientClose, payload.ToArray());
                    _session.Abort(EngineIoCloseReasons.TransportClose);
                    return ReadNext.Stop;
                case FrameEvent.Refused:
                    await _stream.RefuseAsync(violation!).ConfigureAwait(false);
                    ReportRefusedFrame();
                    _session.Abort(EngineIoCloseReasons.TransportError);
                    return ReadNext.Stop;
            }

            // While a graceful close drains, the client's packets are ignored but reading goes on.
            var clock = _session.Server.TimeProvider;
            var started = inline ? clock.GetTimestamp() : 0;
            var handled = _session.ReceiveAsync(payload, found == FrameEvent.Binary);
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
                    endTurn = true;
            }
            if (_session.State == EngineIoSession.SessionState.Closed)
                return ReadNext.Stop;
        }
    }

    /// <summary>Answers a ping with a pong carrying its payload, through the write gate (none after a close frame).</summary>
    private ValueTask SendPongAsync(ReadOnlyMemory<byte> payload) =>
        _stream.WriteFramesAsync(WebSocketFrameWriter.Frame(0xA, payload.Span));

    /// <summary>
    /// Writes queued frames until the queue is empty, then lets the next send start a drain again. When the queue has
    /// completed (a graceful close, all written) or the session closed, it ends the session and sends the close frame.
    /// The frames queued at once go out in one write (<see cref="WebSocketFrameWriter"/>).
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
                    var send = WebSocketFrameWriter.WriteAsync(_stream, frame, outbound, out var bytes);
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
        await CloseQuietlyAsync().ConfigureAwait(false);
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
        // The connection itself is reset, which fails the stuck write and the read loop, so the request ends.
        Abort();
        _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        throw new WebSocketException(WebSocketError.ConnectionClosedPrematurely, "A frame was still being written when the session closed.");
    }

    private static TaskCompletionSource CompletedSource()
    {
        var source = new TaskCompletionSource();
        source.SetResult();
        return source;
    }

    /// <summary>
    /// Once the server's close frame is out and reading has stopped before the client's close frame (the session closed,
    /// or a frame was refused), reads on until the client's close frame or its end of the connection, for the close
    /// handshake's time at most, dropping what comes, as Node's <c>ws</c> does. Ended with bytes still unread, the
    /// connection would be reset, and the reset can destroy the close frame before the client reads it (a client still
    /// sending a message refused from its header would see 1006, not 1009). After a refused frame the bytes are no
    /// longer frames: they are dropped until the client ends. A host's own WebSocket finishes its close handshake itself.
    /// </summary>
    private async Task FinishCloseHandshakeAsync()
    {
        // Over HTTP/2 the WebSocket is one stream of a connection that goes on: ending it resets nothing else.
        if (Volatile.Read(ref _clientClose) is not null || _frames?.Stream is null || !HttpProtocol.IsHttp11(_context.Request.Protocol))
            return;
        using var deadline = new CancellationTokenSource(CloseHandshakeTimeout);
        byte[]? buffer = null;
        try
        {
            if (_stream.Violation is null && await ReadUntilCloseFrameAsync(deadline.Token).ConfigureAwait(false))
                return;
            buffer = ArrayPool<byte>.Shared.Rent(WebSocketFrameReader.ReadSize);
            while (await _stream.ReadPastRefusalAsync(buffer, deadline.Token).ConfigureAwait(false) > 0)
            {
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException or WebSocketException)
        {
            // The client did not finish in time, or the connection is gone: it ends now either way.
        }
        finally
        {
            if (buffer is not null)
                ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Reads more into the reader when everything read is used (the probe and the close handshake; the read loop has its
    /// own, allocation-free path): false once the client has ended the connection.
    /// </summary>
    private ValueTask<bool> FillIfEmptyAsync(CancellationToken cancellationToken) =>
        _reader.HasBuffered ? new ValueTask<bool>(true) : FillAsync(cancellationToken);

    private async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        var count = await _stream.ReadAsync(_reader.ReadBuffer(), cancellationToken).ConfigureAwait(false);
        _reader.Filled(count);
        return count > 0;
    }

    /// <summary>Reads and drops frames until the client's close frame or end (true), or a refused frame (false).</summary>
    private async Task<bool> ReadUntilCloseFrameAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (!await FillIfEmptyAsync(cancellationToken).ConfigureAwait(false))
                return true;
            switch (_reader.Next(out _, out _))
            {
                case FrameEvent.Close:
                    return true;
                case FrameEvent.Refused:
                    return false;
            }
        }
    }

    /// <summary>Starts the close handshake and stops reading if the client does not finish it in time.</summary>
    private async Task CloseQuietlyAsync(WebSocketCloseStatus status = WebSocketCloseStatus.NormalClosure)
    {
        try
        {
            // Nothing if a close frame has gone out already (a refused frame's); gives up on a client that reads nothing.
            if (Volatile.Read(ref _clientClose) is { } clientBody)
                await _stream.EchoCloseAsync(clientBody).ConfigureAwait(false);
            else
                await _stream.CloseAsync(status).ConfigureAwait(false);
        }
        finally
        {
            _ = AbortIfStillReadingAsync();
        }
    }

    /// <summary>
    /// Stops the read loop if the client has not finished the close handshake in time (what cancelling the read would
    /// do, without a cancellation source held by every connection for its whole life): the connection is reset.
    /// </summary>
    private async Task AbortIfStillReadingAsync()
    {
        await Task.Delay(CloseHandshakeTimeout).ConfigureAwait(false);
        if (_reading)
            Abort();
    }

    /// <summary>Resets the connection (a host's own WebSocket is aborted): a read or write in progress fails.</summary>
    private void Abort()
    {
        _context.Abort();
        if (_frames?.Stream is null)
            _stream.Dispose();
    }
}
