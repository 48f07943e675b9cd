using System.Net.Sockets;

namespace TypedIo.Benchmarks.LoadGenerator.Tests;

public class ErrorTallyTests
{
    [Fact]
    public void Errors_are_counted_by_kind_and_lost_clients_apart()
    {
        var tally = new ErrorTally();
        tally.AddLost(new ConnectionClosedException("close frame"));
        tally.AddLost(new SocketException((int)SocketError.ConnectionReset));
        tally.AddLost(new ConnectionClosedException("end of stream"));
        tally.Add(new TimeoutException());

        Assert.Equal("closed: 2, reset: 1, timeout: 1", tally.Summary());
        Assert.Equal(4, tally.Count);
        Assert.Equal(3, tally.ClientsLost);
    }

    [Fact]
    public void The_report_adds_up_the_kinds_of_several_runs_and_reads_rows_written_before_the_kinds_were()
    {
        var run1 = Result.Parse("1\traw\techo\t100\t10\t5\t1\t1\t1\t1\t1\tNaN\t3\t0\t2\tclosed: 2, timeout: 1");
        var run2 = Result.Parse("2\traw\techo\t100\t10\t5\t1\t1\t1\t1\t1\tNaN\t1\t0\t1\tclosed: 1");
        var old = Result.Parse("1\traw\techo\t100\t10\t5\t1\t1\t1\t1\t1\tNaN\t4");

        Assert.Equal("closed: 3, timeout: 1", Report.MergeKinds([run1, run2, old]));
        Assert.Equal(("", 0, -1L), (old.ErrorKinds, old.ClientsLost, old.ClientAllocatedBytes));
        Assert.Contains("100 (**3 lost**)", Report.Build([run1, run2]));
    }
}
