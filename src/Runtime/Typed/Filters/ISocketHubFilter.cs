namespace TypedIo;

/// <summary>
/// Runs around every call of a typed hub method, after its arguments are bound and validated: the place for logging,
/// metrics, per-event rate limits and exception mapping that need the hub method and its typed arguments (what
/// SignalR's <c>IHubFilter</c> is). Register with <c>services.AddSocketHubFilter&lt;TFilter&gt;()</c> (every hub) or
/// <c>services.AddSocketHubFilter&lt;THub, TFilter&gt;()</c> (one hub); resolved from the socket's service scope.
/// </summary>
/// <remarks>
/// Order: filters for every hub first, then the hub's own, each in the order registered; the first is the outermost.
/// Untyped event middleware (<c>UseForEvents</c>, <c>socket.Use</c>) still runs first, before authorization and binding.
/// </remarks>
/// <example>
/// <code>
/// public sealed class TimingFilter(ILogger&lt;TimingFilter&gt; logger) : ISocketHubFilter
/// {
///     public async ValueTask&lt;object?&gt; InvokeMethodAsync(SocketHubInvocationContext context, SocketHubFilterNext next)
///     {
///         var started = Stopwatch.GetTimestamp();
///         try { return await next(context); }
///         finally { logger.LogInformation("{Method} took {Elapsed}", context.MethodName, Stopwatch.GetElapsedTime(started)); }
///     }
/// }
/// </code>
/// </example>
public interface ISocketHubFilter
{
    /// <summary>
    /// Calls <paramref name="next"/> to continue (the next filter, then the hub method) and returns the ack value; or
    /// refuses the event with <see cref="SocketHubInvocationContext.Reject"/> and does not call it; or throws
    /// <see cref="SocketHubException"/> to answer with a code of its own (a way to map the method's exceptions).
    /// </summary>
    /// <param name="context">The hub, the method, its bound arguments.</param>
    /// <param name="next">The rest of the pipeline.</param>
    /// <returns>The value the client receives in its ack (ignored for an event without ack).</returns>
    ValueTask<object?> InvokeMethodAsync(SocketHubInvocationContext context, SocketHubFilterNext next);
}

/// <summary>The rest of the hub filter pipeline: the next filter, or the hub method.</summary>
/// <param name="context">The invocation.</param>
/// <returns>The ack value.</returns>
public delegate ValueTask<object?> SocketHubFilterNext(SocketHubInvocationContext context);
