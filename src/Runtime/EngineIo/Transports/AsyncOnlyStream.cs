namespace TypedIo.EngineIo;

/// <summary>
/// A stream over an upgraded connection that a WebSocket reads and writes asynchronously only (Kestrel refuses
/// synchronous I/O on it): not seekable, and every synchronous member is unsupported.
/// </summary>
internal abstract class AsyncOnlyStream : Stream
{
    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override void Flush() => throw new NotSupportedException();
}
