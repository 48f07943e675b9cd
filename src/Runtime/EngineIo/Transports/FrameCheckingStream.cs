using System.Net.WebSockets;
using System.Runtime.CompilerServices;

namespace TypedIo.EngineIo;

/// <summary>
/// The upgraded connection of a WebSocket, with the one gate its writes go through. The transport reads it itself
/// (<see cref="WebSocketFrameReader"/>, which applies <see cref="ClientFrameChecker"/>'s rules) and, on the first byte
/// that breaks them, has the close frame written here (<see cref="RefuseAsync"/>: 1002 protocol error, 1009 message too
/// big, 1007 invalid UTF-8), as Node's <c>ws</c> does; nothing is written after a close frame (RFC 6455 5.5.1).
/// <para>
/// The transport writes its data frames here (<see cref="WriteFramesAsync"/>, framed by
/// <see cref="WebSocketFrameWriter"/>), its pongs and its close frame, and the WebSocket ASP.NET Core made at the
/// handshake may still write (the transport never uses it, but a WebSocket that has no session to join is closed with
/// it), each frame with one write: frames from either side never interleave. Once any close frame has gone out, the
/// WebSocket's own (seen from the first byte of its write) or the transport's, direct writes are dropped.
/// </para>
/// </summary>
internal sealed class FrameCheckingStream : AsyncOnlyStream
{
    private static readonly TimeSpan CloseWriteTimeout = TimeSpan.FromSeconds(2);

    private readonly Stream _inner;
    // One write at a time (no semaphore per connection: see WriteGate).
    private WriteGate _writeGate;
    private volatile FrameViolation? _violation;
    private bool _closeSent;
    // Any close frame written or being written (under the gate): direct data writes stop.
    private bool _closeFrameOut;
    private volatile bool _closeWritten;

    public FrameCheckingStream(Stream inner, long maxPayload)
    {
        _inner = inner;
        MaxPayload = maxPayload;
    }

    /// <summary>The most payload bytes one message may have (all its fragments together).</summary>
    public long MaxPayload { get; }

    /// <summary>Why the client's frames were refused, once they were.</summary>
    public FrameViolation? Violation => _violation;

    /// <summary>True once the close frame for a refused frame is written and flushed: nothing follows it.</summary>
    public bool CloseWritten => _closeWritten;

    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    /// <summary>Reads the connection as it is; fails once the client's frames were refused.</summary>
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _violation is { } violation
            ? ValueTask.FromException<int>(Refused(violation))
            : _inner.ReadAsync(buffer, cancellationToken);

    /// <summary>Records why the client's frames were refused and sends the close frame with its code.</summary>
    public Task RefuseAsync(FrameViolation violation)
    {
        _violation = violation;
        return SendCloseAsync(violation.Status, refused: true);
    }

    /// <summary>
    /// Sends the server's close frame (a two-byte code, no reason) unless one has gone out already; gives up after two
    /// seconds if a frame still being written does not end or the client reads nothing.
    /// </summary>
    public Task CloseAsync(WebSocketCloseStatus status) => SendCloseAsync(status, refused: false);

    /// <summary>
    /// Answers the client's close frame with its own body (code and reason, or nothing when it sent no code), as Node's
    /// <c>ws</c> does, unless a close frame has gone out already; the same timeout as <see cref="CloseAsync"/>.
    /// </summary>
    public Task EchoCloseAsync(ReadOnlyMemory<byte> clientBody) => SendCloseAsync(clientBody, refused: false);

    /// <summary>
    /// Reads the connection even after the client's frames were refused: only to drop what it still sends once the close
    /// frame is out (<see cref="WebSocketTransport"/>'s close handshake).
    /// </summary>
    public ValueTask<int> ReadPastRefusalAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        _inner.ReadAsync(buffer, cancellationToken);

    private static WebSocketException Refused(FrameViolation violation) =>
        new(WebSocketError.Faulted, $"{violation.Reason} (closed with {(int)violation.Status}).");

    private Task SendCloseAsync(WebSocketCloseStatus status, bool refused)
    {
        var code = (int)status;
        return SendCloseAsync(new byte[] { (byte)(code >> 8), (byte)code }, refused);
    }

    private async Task SendCloseAsync(ReadOnlyMemory<byte> body, bool refused)
    {
        // A frame still being written must end first; if it cannot (the client reads nothing), give up.
        if (!_writeGate.TryEnter() && !await _writeGate.EnterAsync(CloseWriteTimeout, CancellationToken.None).ConfigureAwait(false))
            return;
        try
        {
            if (_closeSent || _closeFrameOut)
                return;
            _closeSent = true;
            _closeFrameOut = true;
            var frame = WebSocketFrameWriter.Frame(0x8, body.Span);
            using var timeout = new CancellationTokenSource(CloseWriteTimeout);
            await _inner.WriteAsync(frame, timeout.Token).ConfigureAwait(false);
            await _inner.FlushAsync(timeout.Token).ConfigureAwait(false);
            // Only after a refused frame does the connection end with FIN even if the request is aborted (see
            // FrameCheckingUpgrade): after the server's own close, an abort still cuts a client that does not answer.
            _closeWritten = refused;
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException or WebSocketException)
        {
            // The client is gone or reads nothing: the connection ends anyway.
        }
        finally
        {
            _writeGate.Exit();
        }
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!_writeGate.TryEnter())
            return WaitAndWriteAsync(buffer, cancellationToken);
        return WriteHoldingGate(buffer, cancellationToken);
    }

    private ValueTask WriteHoldingGate(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        ValueTask write;
        try
        {
            // The WebSocket writes a whole frame per write: the first byte holds the opcode (8: close).
            if (!buffer.IsEmpty && (buffer.Span[0] & 0x0F) == 0x8)
                _closeFrameOut = true;
            write = _closeSent ? default : _inner.WriteAsync(buffer, cancellationToken);
        }
        catch
        {
            _writeGate.Exit();
            throw;
        }
        if (write.IsCompleted)
        {
            _writeGate.Exit();
            return write;
        }
        return ReleaseAfterAsync(write);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask ReleaseAfterAsync(ValueTask write)
    {
        try
        {
            await write.ConfigureAwait(false);
        }
        finally
        {
            _writeGate.Exit();
        }
    }

    private async ValueTask WaitAndWriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        await _writeGate.EnterAsync(Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
        await WriteHoldingGate(buffer, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes whole data frames the transport framed itself, in one write and a flush, in turn with the WebSocket's own
    /// writes; nothing once a close frame has gone out.
    /// </summary>
    public ValueTask WriteFramesAsync(ReadOnlyMemory<byte> frames)
    {
        if (!_writeGate.TryEnter())
            return WaitAndWriteFramesAsync(frames);
        return WriteFramesHoldingGate(frames);
    }

    private ValueTask WriteFramesHoldingGate(ReadOnlyMemory<byte> frames)
    {
        ValueTask flush;
        try
        {
            if (_closeFrameOut)
            {
                flush = default;
            }
            else
            {
                var write = _inner.WriteAsync(frames);
                if (!write.IsCompletedSuccessfully)
                    return FlushAndReleaseAfterAsync(write);
                write.GetAwaiter().GetResult();
                flush = new ValueTask(_inner.FlushAsync());
            }
        }
        catch
        {
            _writeGate.Exit();
            throw;
        }
        if (flush.IsCompleted)
        {
            _writeGate.Exit();
            return flush;
        }
        return ReleaseAfterAsync(flush);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask FlushAndReleaseAfterAsync(ValueTask write)
    {
        try
        {
            await write.ConfigureAwait(false);
            await _inner.FlushAsync().ConfigureAwait(false);
        }
        finally
        {
            _writeGate.Exit();
        }
    }

    private async ValueTask WaitAndWriteFramesAsync(ReadOnlyMemory<byte> frames)
    {
        await _writeGate.EnterAsync(Timeout.InfiniteTimeSpan, CancellationToken.None).ConfigureAwait(false);
        await WriteFramesHoldingGate(frames).ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _inner.Dispose();
        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync() => _inner.DisposeAsync();
}
