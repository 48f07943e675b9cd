using System.Collections.Frozen;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TypedIo.SocketIo;

namespace TypedIo;

/// <summary>
/// A hub type served by one server: its event table, and what happens when a socket joins (create the hub, route
/// the socket's events to it, run its hooks).
/// </summary>
internal sealed class HubBinding<THub>
    where THub : SocketHub, IGeneratedSocketHub<THub>
{
    private readonly FrozenDictionary<string, HubMethod<THub>> _methods;
    private readonly string _hubName = typeof(THub).Name;

    public HubBinding(ILogger logger)
    {
        Logger = logger;
        var methods = new Dictionary<string, HubMethod<THub>>(StringComparer.Ordinal);
        foreach (var method in THub.Methods)
        {
            if (!methods.TryAdd(method.EventName, method))
                throw new InvalidOperationException($"{_hubName} declares event '{method.EventName}' twice.");
        }
        _methods = methods.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public ILogger Logger { get; }

    public async ValueTask OnConnectionAsync(Socket socket)
    {
        if (socket.Namespace.Server.Services is not { } root)
            throw new InvalidOperationException("The server has no service provider: create it through services.AddTypedIo().");
        // The socket's scope is made only if the hub's constructor asks for a service.
        var hub = THub.Create(new HubActivationServices(socket, root));
        var context = new HubCallerContext(socket);
        hub.Context = context;
        var router = new Router(this, hub, context);
        socket.Route(router);
        try
        {
            await hub.OnConnectedAsync().ConfigureAwait(false);
            router.OnConnected();
        }
        catch (Exception ex)
        {
            HubLog.ConnectedHookFailed(Logger, socket.Id, _hubName, ex);
            router.OnConnectFailed();
            socket.Disconnect();
        }
    }

    private async ValueTask OnDisconnectedAsync(THub hub, HubCallerContext context, string reason)
    {
        context.OnDisconnected();
        try
        {
            await hub.OnDisconnectedAsync(reason).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            HubLog.DisconnectedHookFailed(Logger, context.SocketId, _hubName, ex);
        }
        finally
        {
            switch (hub)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }
    }

    private async ValueTask DispatchAsync(THub hub, HubCallerContext context, HubMethod<THub> method, SocketEvent socketEvent)
    {
        // The pipeline of a hub event: authorization → argument binding → validation → the method.
        if (method.Authorization is { IsRequired: true } authorization
            && !await SocketAuthorization.AuthorizeEventAsync(socketEvent, authorization, $"{_hubName}.{method.MethodName}").ConfigureAwait(false))
            return;

        if (!TryBind(method, socketEvent, out var arguments, out var reason))
        {
            HubLog.InvalidArguments(Logger, context.SocketId, method.EventName, _hubName, method.MethodName, reason);
            socketEvent.Reject(new SocketRejection(SocketRejectionCodes.InvalidArguments, reason));
            return;
        }

        if (await ValidateAsync(method, socketEvent, arguments, context.SocketAborted).ConfigureAwait(false) is { } invalid)
        {
            socketEvent.Reject(invalid);
            return;
        }

        object? result;
        try
        {
            var filters = Filters(socketEvent.Socket.Namespace.Server.Services);
            if (filters.Length == 0)
            {
                result = await method.Invoke(hub, new HubInvocation(socketEvent, arguments, context.SocketAborted)).ConfigureAwait(false);
            }
            else
            {
                var invocation = new SocketHubInvocationContext(hub, context, method.EventName, method.MethodName, method.HasAck, method.Parameters, arguments, socketEvent);
                result = await RunFiltersAsync(filters, 0, invocation, method, hub).ConfigureAwait(false);
                if (invocation.Rejection is { } rejection)
                {
                    HubLog.MethodRefused(Logger, context.SocketId, method.EventName, _hubName, method.MethodName, rejection.Code, rejection.Message);
                    socketEvent.Reject(rejection);
                    return;
                }
            }
        }
        catch (SocketHubException ex)
        {
            HubLog.MethodRefused(Logger, context.SocketId, method.EventName, _hubName, method.MethodName, ex.Code, ex.Message);
            socketEvent.Ack(new SocketRejection(ex.Code, ex.Message).ToJson());
            return;
        }
        catch (Exception ex)
        {
            HubLog.MethodFailed(Logger, context.SocketId, method.EventName, _hubName, method.MethodName, ex);
            socketEvent.Ack(new SocketRejection(SocketRejectionCodes.ServerError, "An unexpected error occurred.").ToJson());
            return;
        }

        if (method.HasAck)
            socketEvent.Ack(new object?[] { result });
        else if (socketEvent.HasAck)
            socketEvent.Ack(); // the method has no result, but the client waits: it ran
    }

    /// <summary>The hub filters for <typeparamref name="THub"/>, in order (looked up once: the options are the root's).</summary>
    private Type[] Filters(IServiceProvider? services)
    {
        if (_filters is { } known)
            return known;
        var options = services?.GetService<IOptions<SocketHubFilterOptions>>()?.Value;
        return _filters = options is null ? [] : options.For(typeof(THub));
    }

    private Type[]? _filters;

    /// <summary>Filter <paramref name="index"/> around the rest; past the last filter, the hub method.</summary>
    private static ValueTask<object?> RunFiltersAsync(Type[] filters, int index, SocketHubInvocationContext invocation, HubMethod<THub> method, THub hub)
    {
        if (index == filters.Length)
            return method.Invoke(hub, new HubInvocation(invocation.Event, invocation.Arguments, invocation.SocketAborted));
        var filter = (ISocketHubFilter)invocation.Services.GetRequiredService(filters[index]);
        return filter.InvokeMethodAsync(invocation, next => next.Rejection is null
            ? RunFiltersAsync(filters, index + 1, next, method, hub)
            : ValueTask.FromResult<object?>(null));
    }

    /// <summary>Runs the validators of every bound argument; the failures of all of them make one rejection.</summary>
    private async ValueTask<SocketRejection?> ValidateAsync(HubMethod<THub> method, SocketEvent socketEvent, object?[] arguments, CancellationToken cancellationToken)
    {
        var parameters = method.Parameters;
        Dictionary<string, List<string>>? errors = null;
        for (var i = 0; i < parameters.Count; i++)
        {
            if (parameters[i].Validate is not { } validate || arguments[i] is not { } value)
                continue;
            if (await validate(socketEvent.Socket, value, cancellationToken).ConfigureAwait(false) is not { } failures)
                continue;
            // One wire parameter: paths are relative to it (as in the JSON the client sent); several: prefixed by the name.
            var prefix = method.FixedParameterCount > 1 ? parameters[i].Name : null;
            ArgumentValidation.AddErrors(errors ??= new(StringComparer.Ordinal), prefix, parameters[i].Type, value, failures, ArgumentValidation.SerializerOptions(socketEvent.Socket));
        }
        if (errors is null)
            return null;
        PipelineLog.ValidationFailed(Logger, socketEvent.Socket.Id, method.EventName, string.Join(", ", errors.Keys));
        return ArgumentValidation.Rejection(method.EventName, errors);
    }

    /// <summary>Reads every wire argument into its parameter's type; any misfit refuses the whole event.</summary>
    private static bool TryBind(HubMethod<THub> method, SocketEvent socketEvent, out object?[] arguments, out string reason)
    {
        var args = socketEvent.Args;
        var parameters = method.Parameters;
        arguments = new object?[parameters.Count];
        if (method.HasRest ? args.Count < method.FixedParameterCount : args.Count != method.FixedParameterCount)
        {
            var expected = method.HasRest ? $"at least {method.FixedParameterCount}" : method.FixedParameterCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
            reason = $"'{method.EventName}' expects {expected} argument(s), got {args.Count}.";
            return false;
        }

        for (var i = 0; i < parameters.Count; i++)
        {
            var parameter = parameters[i];
            object? value;
            try
            {
                value = parameter.Read(args, i);
            }
            // System.Text.Json throws InvalidOperationException for a lone surrogate escape read into a string.
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or OverflowException)
            {
                reason = $"Argument '{parameter.Name}' of '{method.EventName}' is not a valid {Describe(parameter.Type)}.";
                return false;
            }
            if (value is null && !parameter.AllowsNull)
            {
                reason = $"Argument '{parameter.Name}' of '{method.EventName}' must not be null.";
                return false;
            }
            if (value is not null && parameter.FindNull?.Invoke(value) is { } path)
            {
                reason = $"Argument '{parameter.Name}' of '{method.EventName}' has null at '{parameter.Name}{path}', which its type does not allow.";
                return false;
            }
            arguments[i] = value;
        }
        reason = "";
        return true;
    }

    private static string Describe(Type type) => Nullable.GetUnderlyingType(type)?.Name ?? type.Name;

    private async ValueTask DispatchWhenConnectedAsync(Task connected, THub hub, HubCallerContext context, HubMethod<THub> method, SocketEvent socketEvent)
    {
        try
        {
            await connected.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return; // OnConnectedAsync failed: the socket is being disconnected
        }
        await DispatchAsync(hub, context, method, socketEvent).ConfigureAwait(false);
    }

    // Told of the disconnect by the socket (ISocketDisconnectListener), not through a Disconnected delegate per socket.
    private sealed class Router(HubBinding<THub> binding, THub hub, HubCallerContext context) : ISocketEventRouter, ISocketDisconnectListener
    {
        // Events that arrive while OnConnectedAsync runs wait for it, as hub methods of SignalR do. Dropped once it has
        // succeeded, so a connected socket does not keep it.
        private volatile TaskCompletionSource? _connecting = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void OnConnected()
        {
            _connecting!.SetResult();
            _connecting = null;
        }

        public void OnConnectFailed() => _connecting!.SetCanceled();

        public void OnDisconnected(Socket socket, string reason) => binding.OnDisconnectedAsync(hub, context, reason).Forget();

        public bool TryRoute(SocketEvent socketEvent, out ValueTask handling)
        {
            if (!binding._methods.TryGetValue(socketEvent.Name, out var method))
            {
                HubLog.UnknownEvent(binding.Logger, context.SocketId, socketEvent.Name, binding._hubName);
                handling = default;
                return false;
            }
            var connecting = _connecting;
            handling = connecting is null || connecting.Task.IsCompletedSuccessfully
                ? binding.DispatchAsync(hub, context, method, socketEvent)
                : binding.DispatchWhenConnectedAsync(connecting.Task, hub, context, method, socketEvent);
            return true;
        }
    }
}
