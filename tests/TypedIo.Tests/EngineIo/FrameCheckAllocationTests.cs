using TypedIo.EngineIo;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Tests.EngineIo;

/// <summary>
/// The frame checks sit on every read and write of every WebSocket: they must not copy or allocate. Measured like
/// <c>PacketAllocationTests</c>: bytes allocated on the test's own thread, averaged over many calls, over a connection
/// whose reads and writes complete at once.
/// </summary>
public sealed class FrameCheckAllocationTests
{
    [Fact]
    public void Reading_frames_allocates_nothing()
    {
        // Masked frames as a client sends them: small and 16-bit lengths, a fragmented message, a ping between.
        byte[] frames =
        [
            .. RawFrameConnection.TextFrame("4" + new string('x', 64)),
            .. RawFrameConnection.Frame(0x2, new byte[300]),
            .. RawFrameConnection.TextFrame("4ab", fin: false),
            .. RawFrameConnection.Frame(0x9, [1, 2, 3]),
            .. RawFrameConnection.TextFrame("cd", opcode: 0x0),
        ];
        var source = new LoopingStream(frames);
        var reader = new WebSocketFrameReader(maxPayload: 1000);
        var size = 37; // reads that end anywhere in a header or a payload
        var messages = 0;
        var pings = 0;

        void ReadOnce()
        {
            var buffer = reader.ReadBuffer()[..size];
            reader.Filled(source.ReadAsync(buffer).Result);
            FrameEvent found;
            while ((found = reader.Next(out _, out var violation)) != FrameEvent.NeedMore)
            {
                Assert.Null(violation);
                if (found == FrameEvent.Ping)
                    pings++;
                else
                    messages++;
            }
        }

        // Every way a read can end (in a header, in a payload, in a ping between fragments) comes round within 37 reads:
        // the pool's first rent of each buffer size happens before the measurement.
        for (var i = 0; i < 200; i++)
            ReadOnce();
        var bytes = AllocationMeter.PerCall(ReadOnce, 2000);

        // Three messages for every ping, all read whole.
        Assert.True(pings > 100 && Math.Abs(messages - 3 * pings) <= 5, $"{messages} messages, {pings} pings");
        Assert.Equal(0, bytes);
    }

    [Fact]
    public async Task Writing_through_the_checks_allocates_nothing()
    {
        using var stream = new FrameCheckingStream(new LoopingStream([0]), maxPayload: 1000);
        var frame = new byte[100];

        var bytes = await AllocatedPerCallAsync(() => stream.WriteAsync(frame));

        Assert.Equal(0, bytes);
    }

    private static async Task<double> AllocatedPerCallAsync(Func<ValueTask> call, int calls = 2000)
    {
        for (var i = 0; i < 5; i++)
            await call();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < calls; i++)
        {
            var pending = call();
            // Completes at once, so the test stays on its thread; awaiting would count the test's own state machine.
            Assert.True(pending.IsCompletedSuccessfully);
            pending.GetAwaiter().GetResult();
        }
        return (double)(GC.GetAllocatedBytesForCurrentThread() - before) / calls;
    }

    /// <summary>Reads <c>data</c> over and over; writes go nowhere; everything completes synchronously.</summary>
    private sealed class LoopingStream(byte[] data) : AsyncOnlyStream
    {
        private int _position;

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var count = 0;
            while (count < buffer.Length)
            {
                var take = Math.Min(buffer.Length - count, data.Length - _position);
                data.AsSpan(_position, take).CopyTo(buffer.Span[count..]);
                count += take;
                _position = (_position + take) % data.Length;
            }
            return new ValueTask<int>(count);
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => default;

        public override void Flush() { }
    }
}
