using System.Buffers;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;

namespace TypedIo.EngineIo;

// Closing: the close frame, the rest of the close handshake, and the reset of a client that does not finish it.
internal sealed partial class WebSocketTransport
{
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
