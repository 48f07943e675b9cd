using Microsoft.Extensions.Logging;

namespace TypedIo.SocketIo;

/// <summary>
/// How many transport connections may be open at once, shared by every listener of the server, and the rate-limited
/// log of the connections refused over it. Sized on first use (when Kestrel binds, at start) from the descriptors open then.
/// </summary>
internal sealed class ConnectionBudget(ConnectionBudgetOptions options, ILogger logger, TimeProvider timeProvider)
{
    private readonly Lock _gate = new();
    private int? _capacity;
    private bool _sized;
    private int _open;
    private long _refusedSinceLog;
    private long _lastLogTimestamp;
    private bool _loggedOnce;

    /// <summary>The number of connections that fit, or null when there is no limit (not Linux, or the limit unknown).</summary>
    public int? Capacity
    {
        get
        {
            lock (_gate)
            {
                if (!_sized)
                {
                    _sized = true;
                    _capacity = Size();
                }
                return _capacity;
            }
        }
    }

    /// <summary>Takes a slot for a new connection; false when the budget is spent (the connection must be closed).</summary>
    public bool TryTake()
    {
        if (Capacity is not { } capacity)
            return true;
        while (true)
        {
            var open = Volatile.Read(ref _open);
            if (open >= capacity)
                return false;
            if (Interlocked.CompareExchange(ref _open, open + 1, open) == open)
                return true;
        }
    }

    public void Release() => Interlocked.Decrement(ref _open);

    /// <summary>Counts a refused connection and logs the count at most once per interval (the first refusal at once).</summary>
    public void Refused()
    {
        long refused;
        lock (_gate)
        {
            _refusedSinceLog++;
            var now = timeProvider.GetTimestamp();
            if (_loggedOnce && timeProvider.GetElapsedTime(_lastLogTimestamp, now) < options.LogInterval)
                return;
            refused = _refusedSinceLog;
            _refusedSinceLog = 0;
            _lastLogTimestamp = now;
            _loggedOnce = true;
        }
        HostingLog.ConnectionsRefused(logger, refused, _capacity ?? 0);
    }

    private int? Size()
    {
        if (!OperatingSystem.IsLinux())
            return null;
        var limit = DescriptorLimit.ReadSoftLimit();
        var open = DescriptorLimit.CountOpen();
        if (DescriptorLimit.Budget(limit, open, options.ReservedDescriptors) is not { } budget)
            return null;
        if (budget == 0)
        {
            HostingLog.NoDescriptorBudget(logger, limit!.Value, open!.Value, options.ReservedDescriptors);
            budget = 1;
        }
        else
        {
            HostingLog.ConnectionBudgetSet(logger, budget, limit!.Value, open!.Value, options.ReservedDescriptors);
        }
        return budget;
    }
}
