using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace TypedIo.SocketIo;

/// <summary>
/// A transport listener that holds at most <see cref="ConnectionBudget.Capacity"/> connections: one accepted over the
/// budget has its socket closed before the next accept, so its descriptor is released at once and refused
/// connections never pile up (Node's libuv does the same at <c>EMFILE</c>: accept and close what waits).
/// </summary>
internal sealed class BudgetedConnectionListener(IConnectionListener inner, ConnectionBudget budget) : IConnectionListener
{
    public EndPoint EndPoint => inner.EndPoint;

    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var connection = await inner.AcceptAsync(cancellationToken).ConfigureAwait(false);
            if (connection is null)
                return null;
            if (budget.TryTake())
            {
                // Fires when the transport's receive loop ends (either side closed); its socket is disposed about then.
                connection.ConnectionClosed.Register(static state => ((ConnectionBudget)state!).Release(), budget);
                return connection;
            }
            // The descriptor is released here, before the next accept: Abort only starts the transport's shutdown, which
            // finishes on the thread pool, and refused connections arriving faster than that would pile up. The rest of
            // the connection (its pipes) is disposed on its own and must not hold up the accept loop.
            var socket = connection.Features.Get<IConnectionSocketFeature>()?.Socket;
            connection.Abort(new ConnectionAbortedException("The server holds as many connections as its open-file limit allows."));
            socket?.Dispose();
            _ = DisposeRefusedAsync(connection);
            budget.Refused();
        }
    }

    private static async Task DisposeRefusedAsync(ConnectionContext connection)
    {
        try
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
            // A refused connection has nothing left to report to.
        }
    }

    public ValueTask UnbindAsync(CancellationToken cancellationToken = default) => inner.UnbindAsync(cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
