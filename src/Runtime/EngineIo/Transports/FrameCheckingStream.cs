using System.Net.WebSockets;
using System.Runtime.CompilerServices;

namespace TypedIo.EngineIo;

/// <summary>
/// The upgraded connection as the server's WebSocket sees it: reads pass through while a
/// <see cref="ClientFrameChecker"/> follows the frame headers in the bytes read (no copy, no allocation). On the first
/// byte that breaks the rules it writes the close frame itself (1002 protocol error, 1009 message too big), as Node's
/// <c>ws</c> does, instead of waiting for the rest of the header; bytes read before that byte still reach the
/// WebSocket, the next read fails and the connection ends. Writes go through one at a time, so the close frame never
/// lands inside a frame the WebSocket is writing; whatever the WebSocket writes after it is dropped (RFC 6455 5.5.1).
/// <para>
/// The transport writes its data frames here directly too (<see cref="WriteFramesAsync"/>, framed by
/// <see cref="WebSocketFrameWriter"/>), through the same gate: the WebSocket writes each of its frames (its close frame,
/// a pong) with one write, so frames from either side never interleave. Once any close frame has gone out, the
/// WebSocket's own (seen from the first byte of its write) or the one for a refused frame, direct writes are dropped,
/// as the WebSocket refuses to send after its close.
/// </para>
/// </summary>
internal sealed class FrameCheckingStream : AsyncOnlyStream
{
    private static readonly TimeSpan CloseWriteTimeout = TimeSpan.FromSeconds(2);

    private readonly Stream _inner;
    // One write at a time (no semaphore per connection: see WriteGate).
    private WriteGate _writeGate;
    private ClientFrameChecker _checker;
    private volatile FrameViolation? _violation;
    private bool _closeSent;
    // Any close frame written or being written (under the gate): direct data writes stop.
    private bool _closeFrameOut;
    private volatile bool _closeWritten;

    public FrameCheckingStream(Stream inner, long maxPayload)
    {
        _inner = inner;
        _checker = new ClientFrameChecker(maxPayload);
    }

    /// <summary>Why the client's frames were refused, once they were.</summary>
    public FrameViolation? Violation => _violation;

    /// <summary>True once the close frame for a refused frame is written and flushed: nothing follows it.</summary>
    public bool CloseWritten => _closeWritten;

    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_violation is { } violation)
            return ValueTask.FromException<int>(Refused(violation));
        // A zero-byte read (an idle WebSocket's wait for data) reads no byte to check: handed through, it holds no
        // state machine of its own while the connection waits.
        if (buffer.IsEmpty)
            return _inner.ReadAsync(buffer, cancellationToken);
        var read = _inner.ReadAsync(buffer, cancellationToken);
        if (!read.IsCompletedSuccessfully)
            return AwaitReadAsync(read, buffer);
        var count = read.Result;
        return CheckRead(buffer.Span[..count], out var bad) ? new ValueTask<int>(count) : RefuseAsync(bad);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> AwaitReadAsync(ValueTask<int> read, Memory<byte> buffer)
    {
        var count = await read.ConfigureAwait(false);
        return CheckRead(buffer.Span[..count], out var bad) ? count : await RefuseAsync(bad).ConfigureAwait(false);
    }

    /// <summary>True when every byte read is legal; otherwise the offset of the first that is not.</summary>
    private bool CheckRead(ReadOnlySpan<byte> read, out int bad)
    {
        bad = _checker.Check(read, out var violation);
        if (violation is null)
            return true;
        _violation = violation;
        return false;
    }

    /// <summary>Sends the close frame; hands over the legal bytes before <paramref name="bad"/>, or fails the read.</summary>
    private async ValueTask<int> RefuseAsync(int bad)
    {
        var violation = _violation!;
        await SendCloseAsync(violation.Status).ConfigureAwait(false);
        return bad > 0 ? bad : throw Refused(violation);
    }

    private static WebSocketException Refused(FrameViolation violation) =>
        new(WebSocketError.Faulted, $"{violation.Reason} (closed with {(int)violation.Status}).");

    private async Task SendCloseAsync(WebSocketCloseStatus status)
    {
        // A frame the WebSocket is still writing must end first; if it cannot (the client reads nothing), give up.
        if (!_writeGate.TryEnter() && !await _writeGate.EnterAsync(CloseWriteTimeout, CancellationToken.None).ConfigureAwait(false))
            return;
        try
        {
            if (_closeSent)
                return;
            _closeSent = true;
            _closeFrameOut = true;
            var code = (int)status;
            // FIN + close, unmasked (server to client), a two-byte body with the code and no reason, as ws sends it.
            var frame = new byte[] { 0x88, 0x02, (byte)(code >> 8), (byte)code };
            using var timeout = new CancellationTokenSource(CloseWriteTimeout);
            await _inner.WriteAsync(frame, timeout.Token).ConfigureAwait(false);
            await _inner.FlushAsync(timeout.Token).ConfigureAwait(false);
            _closeWritten = true;
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
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
