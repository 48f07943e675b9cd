using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace TypedIo.SocketIo;

/// <summary>
/// Kestrel's socket transport (<see cref="SocketTransportFactory"/>, same options) whose listeners keep within the
/// descriptor budget of <see cref="ConnectionBudgetOptions"/>. Registered by <c>AddTypedIo()</c> in place of Kestrel's own.
/// </summary>
internal sealed class BudgetedSocketTransportFactory : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    private readonly SocketTransportFactory _inner;
    private readonly ConnectionBudget? _budget;

    public BudgetedSocketTransportFactory(
        IOptions<SocketTransportOptions> transportOptions,
        IOptions<ConnectionBudgetOptions> budgetOptions,
        ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null)
    {
        loggerFactory ??= NullLoggerFactory.Instance;
        _inner = new SocketTransportFactory(transportOptions, loggerFactory);
        if (budgetOptions.Value.Enabled)
        {
            _budget = new ConnectionBudget(budgetOptions.Value, loggerFactory.CreateLogger("TypedIo.Hosting.ConnectionBudget"),
                timeProvider ?? TimeProvider.System);
        }
    }

    internal ConnectionBudget? Budget => _budget;

    public async ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        var listener = await _inner.BindAsync(endpoint, cancellationToken).ConfigureAwait(false);
        return _budget is { Capacity: not null } ? new BudgetedConnectionListener(listener, _budget) : listener;
    }

    public bool CanBind(EndPoint endpoint) => _inner.CanBind(endpoint);
}
