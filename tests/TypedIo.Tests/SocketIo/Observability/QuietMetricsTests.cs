using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using TypedIo.Diagnostics;

namespace TypedIo.Tests.SocketIo.Observability;

/// <summary>With nobody listening, recording on the per-packet path allocates nothing.</summary>
public sealed class QuietMetricsTests
{
    [Fact]
    public void Recording_without_a_listener_allocates_nothing()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = TypedIoMetrics.Create(services.GetRequiredService<IMeterFactory>());

        static void RecordAll(TypedIoMetrics m)
        {
            m.PacketReceived("/chat");
            m.PacketReceived(null);
            m.PacketsSent("/chat", 3);
            m.BytesReceived("websocket", 120);
            m.BytesSent("polling", 240);
            m.AckTimedOut("/chat", 1);
            m.PacketRejected(TypedIoTelemetry.RejectionReasons.Throttled, "/chat");
            var counted = m.SocketConnected("/chat");
            m.SocketDisconnected("/chat", counted, "transport close", TimeSpan.FromSeconds(1));
        }

        RecordAll(metrics); // warm up
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
            RecordAll(metrics);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
