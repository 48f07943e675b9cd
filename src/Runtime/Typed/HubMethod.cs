namespace TypedIo;

/// <summary>
/// One client-to-server event of a hub: its wire name, its parameters and the call into the hub method.
/// Generated code builds these; the runtime binds the arguments, runs the hub filters and answers the ack.
/// </summary>
/// <typeparam name="THub">The hub class.</typeparam>
public sealed class HubMethod<THub>
    where THub : SocketHub
{
    /// <summary>Creates the description of one event.</summary>
    /// <param name="eventName">The event name on the wire.</param>
    /// <param name="methodName">The C# method name.</param>
    /// <param name="hasAck">Whether the method returns a value the client receives in its ack.</param>
    /// <param name="parameters">The wire parameters, in order.</param>
    /// <param name="invoke">Calls the hub method with bound arguments; returns the ack value (null without ack).</param>
    public HubMethod(string eventName, string methodName, bool hasAck, IReadOnlyList<HubParameter> parameters, Func<THub, HubInvocation, ValueTask<object?>> invoke)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        ArgumentNullException.ThrowIfNull(methodName);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(invoke);
        EventName = eventName;
        MethodName = methodName;
        HasAck = hasAck;
        Parameters = parameters;
        Invoke = invoke;
        var fixedCount = 0;
        for (var i = 0; i < parameters.Count; i++)
        {
            if (parameters[i].IsRest && i != parameters.Count - 1)
                throw new ArgumentException("Only the last parameter can take the remaining arguments.", nameof(parameters));
            if (!parameters[i].IsRest)
                fixedCount++;
        }
        FixedParameterCount = fixedCount;
        HasRest = fixedCount != parameters.Count;
    }

    /// <summary>The event name on the wire.</summary>
    public string EventName { get; }

    /// <summary>The C# method name.</summary>
    public string MethodName { get; }

    /// <summary>Whether the client gets the method's result in its ack.</summary>
    public bool HasAck { get; }

    /// <summary>The wire parameters.</summary>
    public IReadOnlyList<HubParameter> Parameters { get; }

    /// <summary>Calls the hub method.</summary>
    public Func<THub, HubInvocation, ValueTask<object?>> Invoke { get; }

    /// <summary>
    /// The <c>[Authorize]</c>/<c>[AllowAnonymous]</c> attributes of the method (on the contract interface and on the hub's
    /// implementation), checked for every event before its arguments are bound; null when there are none.
    /// </summary>
    public HubAuthorization? Authorization { get; init; }

    internal int FixedParameterCount { get; }

    internal bool HasRest { get; }
}
