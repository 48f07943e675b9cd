namespace TypedIo.SocketIo;

/// <summary>Runs a list of middleware in order; the terminal step runs only if every middleware called next.</summary>
internal static class MiddlewarePipeline
{
    public static ValueTask RunAsync(IReadOnlyList<ConnectionMiddleware> middleware, Socket socket, Func<ValueTask> terminal) =>
        Step(middleware, 0, socket, terminal);

    private static ValueTask Step(IReadOnlyList<ConnectionMiddleware> middleware, int index, Socket socket, Func<ValueTask> terminal) =>
        index == middleware.Count ? terminal() : middleware[index](socket, () => Step(middleware, index + 1, socket, terminal));

    public static ValueTask RunAsync(IReadOnlyList<EventMiddleware> middleware, SocketEvent socketEvent, Func<ValueTask> terminal) =>
        Step(middleware, 0, socketEvent, terminal);

    private static ValueTask Step(IReadOnlyList<EventMiddleware> middleware, int index, SocketEvent socketEvent, Func<ValueTask> terminal) =>
        index == middleware.Count ? terminal() : middleware[index](socketEvent, () => Step(middleware, index + 1, socketEvent, terminal));
}
