using System.Text.Json;

namespace TypedIo.SocketIo;

/// <summary>
/// Untyped handlers with a typed, validated payload: <c>socket.On&lt;Order&gt;("order", (order, e) => ...)</c> reads the
/// event's first argument as <c>T</c> with the server's JSON options and runs the FluentValidation
/// validators registered for it before the handler, like a typed hub does.
/// </summary>
public static class SocketValidationExtensions
{
    /// <summary>
    /// Handles <paramref name="eventName"/> with its first argument read as <typeparamref name="T"/> and validated by every
    /// <c>IValidator&lt;T&gt;</c> of the socket's service scope. A missing or misfit argument (or <c>null</c>) is refused
    /// with <c>invalid_arguments</c>, a failed validation with <c>validation_failed</c> and per-property errors (paths
    /// relative to the argument: <c>lines[0].quantity</c>); the handler then does not run. Other arguments stay in
    /// <see cref="SocketEvent.Args"/>; answer the ack with <see cref="SocketEvent.Ack(object[])"/>.
    /// </summary>
    /// <example>
    /// <code>
    /// socket.On&lt;PlaceOrder&gt;("placeOrder", async (order, e) => e.Ack(await orders.PlaceAsync(order)));
    /// </code>
    /// </example>
    public static Socket On<T>(this Socket socket, string eventName, Func<T, SocketEvent, ValueTask> handler)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(handler);
        return socket.On(eventName, e => HandleAsync(e, handler));
    }

    /// <inheritdoc cref="On{T}(Socket, string, Func{T, SocketEvent, ValueTask})"/>
    public static Socket On<T>(this Socket socket, string eventName, Action<T, SocketEvent> handler)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(handler);
        return socket.On(eventName, e => HandleAsync<T>(e, (value, ev) =>
        {
            handler(value, ev);
            return ValueTask.CompletedTask;
        }));
    }

    private static async ValueTask HandleAsync<T>(SocketEvent socketEvent, Func<T, SocketEvent, ValueTask> handler)
    {
        T? value;
        string? problem = null;
        try
        {
            value = socketEvent.Args.Count == 0 ? default : socketEvent.Args.Get<T>(0);
            if (socketEvent.Args.Count == 0)
                problem = $"'{socketEvent.Name}' expects an argument.";
            else if (value is null)
                problem = $"The argument of '{socketEvent.Name}' must not be null.";
        }
        catch (JsonException)
        {
            value = default;
            problem = $"The argument of '{socketEvent.Name}' is not a valid {typeof(T).Name}.";
        }
        if (problem is not null || value is null)
        {
            socketEvent.Reject(new SocketRejection(SocketRejectionCodes.InvalidArguments, problem ?? ""));
            return;
        }

        if (await ArgumentValidation.ValidateAsync(socketEvent.Socket, value, socketEvent.Socket.Connection.Closed).ConfigureAwait(false) is { } failures)
        {
            var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            ArgumentValidation.AddErrors(errors, null, typeof(T), value, failures, ArgumentValidation.SerializerOptions(socketEvent.Socket));
            PipelineLog.ValidationFailed(socketEvent.Socket.Namespace.Server.Logger, socketEvent.Socket.Id, socketEvent.Name, string.Join(", ", errors.Keys));
            socketEvent.Reject(ArgumentValidation.Rejection(socketEvent.Name, errors));
            return;
        }
        await handler(value, socketEvent).ConfigureAwait(false);
    }
}
