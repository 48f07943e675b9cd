using Microsoft.Extensions.DependencyInjection;
using TypedIo.SocketIo;

namespace TypedIo;

/// <summary>
/// What a hub is created from: every service comes from the socket's scope (<see cref="Socket.Services"/>), which is
/// made on the first service the hub's constructor asks for. A hub without constructor parameters makes none;
/// <c>ActivatorUtilities</c> only asks whether a type is a service, which the root answers as the scope would.
/// Lives for the creation only.
/// </summary>
internal sealed class HubActivationServices(Socket socket, IServiceProvider root) : IServiceProvider, IKeyedServiceProvider
{
    public object? GetService(Type serviceType) =>
        IsServiceQuery(serviceType) ? root.GetService(serviceType) : Scope.GetService(serviceType);

    public object? GetKeyedService(Type serviceType, object? serviceKey) =>
        Scope is IKeyedServiceProvider keyed ? keyed.GetKeyedService(serviceType, serviceKey) : throw NotKeyed();

    public object GetRequiredKeyedService(Type serviceType, object? serviceKey) =>
        Scope is IKeyedServiceProvider keyed ? keyed.GetRequiredKeyedService(serviceType, serviceKey) : throw NotKeyed();

    private IServiceProvider Scope => socket.Services ?? root;

    private static bool IsServiceQuery(Type serviceType) =>
        serviceType == typeof(IServiceProviderIsService) || serviceType == typeof(IServiceProviderIsKeyedService);

    private static InvalidOperationException NotKeyed() =>
        new("This service provider doesn't support keyed services.");
}
