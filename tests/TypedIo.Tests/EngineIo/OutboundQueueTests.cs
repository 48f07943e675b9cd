using TypedIo.EngineIo;

namespace TypedIo.Tests.EngineIo;

public sealed class OutboundQueueTests
{
    [Fact]
    public void One_frame_at_a_time_allocates_no_backlog()
    {
        var queue = new OutboundQueue(capacity: 8);
        for (var i = 0; i < 3; i++)
        {
            Assert.True(queue.TryWrite(EngineFrame.Message("m" + i)));
            Assert.True(queue.TryRead(out var frame));
            Assert.Equal("4m" + i, Text(frame));
        }
        Assert.False(queue.HasBacklog);
    }

    [Fact]
    public void A_backlog_keeps_the_order_of_writes()
    {
        var queue = new OutboundQueue(capacity: 8);
        queue.TryWrite(EngineFrame.Message("a"));
        queue.TryWrite(EngineFrame.Message("b"));
        Assert.True(queue.HasBacklog);
        Assert.True(queue.TryRead(out var first));
        queue.TryWrite(EngineFrame.Message("c"));

        Assert.Equal(2, queue.Count);
        Assert.True(queue.TryRead(out var second));
        Assert.True(queue.TryRead(out var third));
        Assert.False(queue.TryRead(out _));
        Assert.Equal(["4a", "4b", "4c"], [Text(first), Text(second), Text(third)]);
    }

    [Fact]
    public void Peeking_leaves_the_next_frame_in_place()
    {
        var queue = new OutboundQueue(capacity: 8);
        Assert.False(queue.TryPeek(out _));
        queue.TryWrite(EngineFrame.Message("a"));
        queue.TryWrite(EngineFrame.Message("b"));

        Assert.True(queue.TryPeek(out var peeked));
        Assert.Equal("4a", Text(peeked));
        Assert.Equal(2, queue.Count);
        Assert.True(queue.TryRead(out var first));
        Assert.True(queue.TryPeek(out peeked));
        Assert.Equal(["4a", "4b"], [Text(first), Text(peeked)]);
        Assert.True(queue.TryRead(out _));
        Assert.False(queue.TryPeek(out _));
    }

    [Fact]
    public void A_full_queue_refuses_frames()
    {
        var queue = new OutboundQueue(capacity: 2);
        Assert.True(queue.TryWrite(EngineFrame.Message("a")));
        Assert.True(queue.TryWrite(EngineFrame.Message("b")));
        Assert.False(queue.TryWrite(EngineFrame.Message("c")));
        Assert.Equal(2, queue.Count);
    }

    [Fact]
    public void A_completed_queue_refuses_frames_and_is_completed_once_read()
    {
        var queue = new OutboundQueue(capacity: 8);
        queue.TryWrite(EngineFrame.Message("a"));
        queue.Complete();

        Assert.False(queue.TryWrite(EngineFrame.Message("b")));
        Assert.False(queue.IsCompleted);
        Assert.True(queue.TryRead(out _));
        Assert.True(queue.IsCompleted);
    }

    [Fact]
    public async Task A_waiting_reader_wakes_up_on_a_write_and_on_completion()
    {
        var queue = new OutboundQueue(capacity: 8);
        var waiting = queue.WaitToReadAsync(CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted);
        queue.TryWrite(EngineFrame.Message("a"));
        Assert.True(await waiting);

        Assert.True(await queue.WaitToReadAsync(CancellationToken.None));
        queue.TryRead(out _);
        waiting = queue.WaitToReadAsync(CancellationToken.None).AsTask();
        queue.Complete();
        Assert.False(await waiting);
    }

    [Fact]
    public async Task A_wait_can_be_cancelled()
    {
        var queue = new OutboundQueue(capacity: 8);
        using var cancel = new CancellationTokenSource();
        var waiting = queue.WaitToReadAsync(cancel.Token).AsTask();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);

        // A later wait is not affected by the cancelled one.
        var next = queue.WaitToReadAsync(CancellationToken.None).AsTask();
        queue.TryWrite(EngineFrame.Message("a"));
        Assert.True(await next);
    }

    private static string Text(EngineFrame frame) => System.Text.Encoding.UTF8.GetString(frame.Bytes.Span);
}
