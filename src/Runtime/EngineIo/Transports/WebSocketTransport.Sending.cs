using System.Net.WebSockets;

namespace TypedIo.EngineIo;

// Sending: the drain of the session queue (one at a time, started by the thread that queued), and pongs.
internal sealed partial class WebSocketTransport
{
    private static readonly TaskCompletionSource Written = CompletedSource();
    private int _draining;

    /// <inheritdoc />
    public void OnQueued()
    {
        if (Interlocked.CompareExchange(ref _draining, 1, 0) == 0)
            _ = DrainAsync();
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
}
