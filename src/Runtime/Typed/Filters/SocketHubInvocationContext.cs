using TypedIo.SocketIo;

namespace TypedIo;

/// <summary>What a <see cref="ISocketHubFilter"/> sees of one call of a hub method.</summary>
public sealed class SocketHubInvocationContext
{
    internal SocketHubInvocationContext(SocketHub hub, HubCallerContext context, string eventName, string methodName, bool hasAck,
        IReadOnlyList<HubParameter> parameters, object?[] arguments, SocketEvent socketEvent)
    {
        Hub = hub;
        Context = context;
        EventName = eventName;
        MethodName = methodName;
        HasAck = hasAck;
        Parameters = parameters;
        Arguments = arguments;
        Event = socketEvent;
    }

    /// <summary>The hub instance of the socket (its type: <c>Hub.GetType()</c>).</summary>
    public SocketHub Hub { get; }

    /// <summary>The caller: socket, user, handshake, data.</summary>
    public HubCallerContext Context { get; }

    /// <summary>The event name on the wire.</summary>
    public string EventName { get; }

    /// <summary>The C# method name.</summary>
    public string MethodName { get; }

    /// <summary>Whether the client waits for an ack.</summary>
    public bool HasAck { get; }

    /// <summary>The method's wire parameters (name, type).</summary>
    public IReadOnlyList<HubParameter> Parameters { get; }

    /// <summary>
    /// The bound arguments, in the order of <see cref="Parameters"/>, typed as the method declares them. A filter may
    /// replace one with a value of the same type before calling next.
    /// </summary>
    public object?[] Arguments { get; }

    /// <summary>The incoming event (raw arguments, ack).</summary>
    public SocketEvent Event { get; }

    /// <summary>The services of the socket's scope.</summary>
    public IServiceProvider Services => Context.Socket.Services ?? EmptyServices.Instance;

    /// <summary>Cancelled when the socket disconnects.</summary>
    public CancellationToken SocketAborted => Context.SocketAborted;

    /// <summary>The refusal set by <see cref="Reject"/>, if any.</summary>
    public SocketRejection? Rejection { get; private set; }

    /// <summary>
    /// Refuses the event with <paramref name="rejection"/>, as a refusal before the handler: the ack receives it, or,
    /// without ack, the socket receives the error event (<c>typedio:error</c>). Return without calling next.
    /// </summary>
    /// <param name="rejection">The code and message (and per-field errors) the client receives.</param>
    /// <returns>null, to return from the filter: <c>return context.Reject(...)</c>.</returns>
    public object? Reject(SocketRejection rejection)
    {
        ArgumentNullException.ThrowIfNull(rejection);
        Rejection = rejection;
        return null;
    }

    private sealed class EmptyServices : IServiceProvider
    {
        public static readonly EmptyServices Instance = new();

        public object? GetService(Type serviceType) => null;
    }
}
