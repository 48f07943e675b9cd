using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using TypedIo.EngineIo;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Tests.EngineIo;

/// <summary>
/// A host whose next request of one method, once armed, has its answer written and flushed to the client while its
/// handler is then held until <see cref="Release"/>, as on a busy thread.
/// </summary>
internal sealed class HeldAnswer(string method)
{
    private readonly TaskCompletionSource _answered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _armed;

    /// <summary>Completes once the held request's answer is with its client.</summary>
    public Task Answered => _answered.Task;

    /// <summary>Holds the next request of the method.</summary>
    public void Arm() => Volatile.Write(ref _armed, 1);

    public void Release() => _release.TrySetResult();

    public Task<TestHost> StartHostAsync(IEngineIoHandler handler) => TestHost.StartAsync(
        app => app.MapEngineIo(EioTestUtil.Path, handler),
        middleware: app => app.Use(async (context, next) =>
        {
            if (HttpMethods.Equals(context.Request.Method, method) && Interlocked.CompareExchange(ref _armed, 2, 1) == 1)
                context.Response.Body = new HoldAfterWrite(context.Response.Body, _answered, _release.Task);
            await next(context);
        }));

    /// <summary>Writes and flushes what it is given, then waits for <paramref name="release"/>.</summary>
    private sealed class HoldAfterWrite(Stream inner, TaskCompletionSource written, Task release) : AsyncOnlyStream
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
}
