using Microsoft.Extensions.Logging;
using TypedIo.SocketIo;
using TypedIo.Tests.EngineIo;

namespace TypedIo.Tests.Hardening;

/// <summary>The descriptor budget's arithmetic and its rate-limited log (the flood itself: <see cref="DescriptorExhaustionTests"/>).</summary>
public sealed class ConnectionBudgetTests
{
    [Fact]
    public void The_soft_open_file_limit_is_read_from_the_limits_file()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(path,
            [
                "Limit                     Soft Limit           Hard Limit           Units     ",
                "Max processes             unlimited            unlimited            processes ",
                "Max open files            400                  20000                files     ",
            ]);
            Assert.Equal(400, DescriptorLimit.ReadSoftLimit(path));

            File.WriteAllLines(path, ["Max open files            unlimited            unlimited            files     "]);
            Assert.Null(DescriptorLimit.ReadSoftLimit(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_budget_is_the_limit_less_the_open_and_reserved_descriptors_and_never_negative()
    {
        Assert.Equal(89, DescriptorLimit.Budget(400, 183, 128));
        Assert.Equal(0, DescriptorLimit.Budget(300, 183, 128));
        Assert.Null(DescriptorLimit.Budget(null, 183, 128));
        Assert.Null(DescriptorLimit.Budget(400, null, 128));
    }

    [Fact]
    public void Refusals_are_logged_once_at_first_then_as_one_count_per_interval()
    {
        var clock = new ManualTimeProvider();
        var logger = new ListLogger();
        var budget = new ConnectionBudget(new ConnectionBudgetOptions { LogInterval = TimeSpan.FromSeconds(10) }, logger, clock);

        for (var i = 0; i < 1000; i++)
            budget.Refused();
        Assert.Equal([1], logger.Refusals);

        clock.Advance(TimeSpan.FromSeconds(9));
        budget.Refused();
        Assert.Equal([1], logger.Refusals);

        clock.Advance(TimeSpan.FromSeconds(1));
        budget.Refused();
        Assert.Equal([1, 1001], logger.Refusals);
    }

    private sealed class ListLogger : ILogger
    {
        public List<long> Refusals { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id == 501 && state is IReadOnlyList<KeyValuePair<string, object?>> values)
                Refusals.Add((long)values.First(v => v.Key == "Refused").Value!);
        }
    }
}
