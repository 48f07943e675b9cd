using TypedIo.EngineIo;

namespace TypedIo.Tests.EngineIo;

/// <summary>
/// A response body that writes and flushes what it is given, then waits for <paramref name="release"/>: a request
/// whose answer is with its client while its handler has not come back, as on a busy thread.
/// </summary>
internal sealed class HoldAfterWrite(Stream inner, TaskCompletionSource written, Task release) : AsyncOnlyStream
{
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await inner.WriteAsync(buffer, cancellationToken);
        await inner.FlushAsync(cancellationToken);
        written.TrySetResult();
        await release;
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();
}
