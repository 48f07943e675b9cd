using System.Net.WebSockets;
using TypedIo.EngineIo;

namespace TypedIo.Tests.EngineIo;

/// <summary>
/// The write gate of <see cref="FrameCheckingStream"/> (a flag and waiters made on contention, no semaphore per
/// connection) under contention: writes that meet go out one at a time, in the order they came, never overlapping; a
/// waiting write that is cancelled is never written and does not block the ones behind it; the close frame for a
/// refused frame waits for the write in progress, and gives up when that write never ends.
/// </summary>
public sealed class FrameCheckingWriteGateTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Writes_that_meet_go_out_one_at_a_time_in_the_order_they_came()
    {
        var connection = new HeldWriteStream();
        var stream = new FrameCheckingStream(connection, maxPayload: 1000);
        connection.HoldNextWrite();

        var first = stream.WriteFramesAsync(Frame(1)).AsTask();       // the transport's data frames: held by the connection
        var second = stream.WriteAsync(Frame(2)).AsTask();            // a write of the WebSocket (a pong)
        var third = stream.WriteFramesAsync(Frame(3)).AsTask();
        var fourth = stream.WriteAsync(Frame(4)).AsTask();
        await connection.WriteStarted.Task.WaitAsync(Wait);
        Assert.False(second.IsCompleted || third.IsCompleted || fourth.IsCompleted);
        Assert.Equal([1], connection.Written);

        connection.ReleaseHeldWrite();
        await Task.WhenAll(first, second, third, fourth).WaitAsync(Wait);

        Assert.Equal([1, 2, 3, 4], connection.Written);
        Assert.Equal(1, connection.MostAtOnce);
        // The gate is free again: a write goes through at once.
        Assert.True(stream.WriteAsync(Frame(5)).IsCompletedSuccessfully);
    }

    [Fact]
    public async Task A_waiting_write_that_is_cancelled_is_not_written_and_the_next_goes_on()
    {
        var connection = new HeldWriteStream();
        var stream = new FrameCheckingStream(connection, maxPayload: 1000);
        connection.HoldNextWrite();
        using var cancel = new CancellationTokenSource();

        var first = stream.WriteFramesAsync(Frame(1)).AsTask();
        var cancelled = stream.WriteAsync(Frame(2), cancel.Token).AsTask();
        var third = stream.WriteAsync(Frame(3)).AsTask();
        await connection.WriteStarted.Task.WaitAsync(Wait);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(Wait));
        Assert.False(third.IsCompleted);

        connection.ReleaseHeldWrite();
        await Task.WhenAll(first, third).WaitAsync(Wait);

        Assert.Equal([1, 3], connection.Written);
        Assert.True(stream.WriteAsync(Frame(4)).IsCompletedSuccessfully);
        Assert.Equal([1, 3, 4], connection.Written);
    }

    [Fact]
    public async Task The_close_frame_for_a_refused_frame_waits_for_the_write_in_progress_and_nothing_follows_it()
    {
        var connection = new HeldWriteStream();
        var stream = new FrameCheckingStream(connection, maxPayload: 1000);
        connection.HoldNextWrite();

        var data = stream.WriteFramesAsync(Frame(1)).AsTask();
        await connection.WriteStarted.Task.WaitAsync(Wait);
        var refuse = stream.RefuseAsync(Rsv1()); // as the reader does on the refused byte
        var after = stream.WriteFramesAsync(Frame(3)).AsTask(); // queued behind the close frame's wait: dropped
        Assert.False(refuse.IsCompleted);

        connection.ReleaseHeldWrite();
        await refuse.WaitAsync(Wait);
        await Task.WhenAll(data, after).WaitAsync(Wait);
        // The connection is not read again once refused.
        await Assert.ThrowsAsync<WebSocketException>(() => stream.ReadAsync(new byte[16]).AsTask().WaitAsync(Wait));

        Assert.True(stream.CloseWritten);
        Assert.Equal(2, connection.Writes.Count);
        Assert.Equal(new byte[] { 0x88, 0x02, 0x03, 0xEA }, connection.Writes[1]);
        Assert.Equal(1, connection.MostAtOnce);
    }

    [Fact]
    public async Task The_close_frame_gives_up_when_the_write_in_progress_never_ends()
    {
        var connection = new HeldWriteStream();
        var stream = new FrameCheckingStream(connection, maxPayload: 1000);
        connection.HoldNextWrite();

        var held = stream.WriteFramesAsync(Frame(1)).AsTask(); // the client reads nothing until released
        await connection.WriteStarted.Task.WaitAsync(Wait);

        // The close frame's wait for the gate times out (2 s): the refusal ends without it.
        await stream.RefuseAsync(Rsv1()).WaitAsync(Wait);
        Assert.False(stream.CloseWritten);
        Assert.Equal([1], connection.Written);

        // When the held write ends at last, the gate is free again (no close frame went out: writes go on).
        connection.ReleaseHeldWrite();
        await held.WaitAsync(Wait);
        Assert.True(stream.WriteAsync(new byte[] { 0x82, 0x01, 9 }).IsCompletedSuccessfully);
        Assert.Equal([1, 9], connection.Written);
    }

    private static FrameViolation Rsv1() => ClientFrameChecker.ProtocolError("RSV1 must be clear");

    // A binary frame with one payload byte: the connection's record of it is that byte.
    private static byte[] Frame(byte id) => [0x82, 0x01, id];

    /// <summary>
    /// A connection whose next write can be held until released; records each write's last byte (the tests' frame id)
    /// and how many writes were ever in progress at once. Reads come from <c>read</c>, then the end.
    /// </summary>
    private sealed class HeldWriteStream(byte[]? read = null) : AsyncOnlyStream
    {
        private readonly List<byte[]> _writes = [];
        private TaskCompletionSource? _hold;
        private TaskCompletionSource? _holding;
        private int _inside;
        private int _readPosition;

        public TaskCompletionSource WriteStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int MostAtOnce { get; private set; }

        public List<byte[]> Writes
        {
            get
            {
                lock (_writes)
                    return [.. _writes];
            }
        }

        public List<int> Written => Writes.Select(write => (int)write[^1]).ToList();

        public void HoldNextWrite() => _hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void ReleaseHeldWrite() => _holding!.TrySetResult();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var inside = Interlocked.Increment(ref _inside);
            lock (_writes)
            {
                MostAtOnce = Math.Max(MostAtOnce, inside);
                _writes.Add(buffer.ToArray());
            }
            var hold = Interlocked.Exchange(ref _hold, null);
            if (hold is null)
            {
                Interlocked.Decrement(ref _inside);
                return default;
            }
            _holding = hold;
            WriteStarted.TrySetResult();
            return new ValueTask(LeaveAfter(hold.Task));
        }

        private async Task LeaveAfter(Task hold)
        {
            await hold;
            Interlocked.Decrement(ref _inside);
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var data = read ?? [];
            var count = Math.Min(buffer.Length, data.Length - _readPosition);
            data.AsSpan(_readPosition, count).CopyTo(buffer.Span);
            _readPosition += count;
            return new ValueTask<int>(count);
        }

    }
}
