using TypedIo.Tests.Infrastructure;
using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Runtime.InteropServices;
using System.Text;
using TypedIo.EngineIo;
using TypedIo.SocketIo;

namespace TypedIo.Tests.EngineIo;

/// <summary>
/// The WebSocket transport's own data frame writes (<see cref="WebSocketFrameWriter"/> through
/// <see cref="FrameCheckingStream"/>), over a stream that records every write: what is queued goes out in one write with
/// RFC 6455 headers, an encoded packet is handed over as the very array it was encoded into (one for every recipient of
/// a broadcast), and nothing follows a close frame.
/// </summary>
public sealed class WebSocketFrameWriterTests
{
    [Fact]
    public void Frames_queued_together_go_out_in_one_write_with_their_headers()
    {
        var attachment = Enumerable.Range(0, 300).Select(i => (byte)i).ToArray();
        var queue = Queue(
            EngineFrame.Message("a"),
            EngineFrame.Binary(attachment),
            EngineFrame.FromEncodedText("42[\"from elsewhere\"]"u8.ToArray()),
            EngineFrame.Binary(new byte[] { 1, 2, 3 }),
            EngineFrame.Message(new string('y', 200)),
            EngineFrame.Binary(new byte[125]),
            EngineFrame.Binary(new byte[126]));
        var recorder = new RecordingStream();
        var stream = new FrameCheckingStream(recorder, maxPayload: 1000);

        var bytes = WriteAll(stream, queue);

        var write = Assert.Single(recorder.Writes);
        var frames = ServerFrames(write.Bytes);
        Assert.Equal(7, frames.Count);
        Assert.Equal((0x1, "4a"), (frames[0].Opcode, frames[0].Text));
        Assert.Equal(0x2, frames[1].Opcode);
        Assert.Equal(attachment, frames[1].Payload);
        Assert.Equal((0x1, "42[\"from elsewhere\"]"), (frames[2].Opcode, frames[2].Text));
        Assert.Equal(0x2, frames[3].Opcode);
        Assert.Equal(new byte[] { 1, 2, 3 }, frames[3].Payload);
        Assert.Equal((0x1, "4" + new string('y', 200)), (frames[4].Opcode, frames[4].Text));
        Assert.Equal(125, frames[5].Payload.Length);
        Assert.Equal(126, frames[6].Payload.Length);
        Assert.All(frames, frame => Assert.True(frame.Fin));
        // 7-bit lengths up to 125, the 16-bit form from 126 (a 200-byte text, a 300-byte attachment).
        Assert.Equal([2, 4, 2, 2, 4, 2, 4], frames.Select(frame => frame.HeaderLength));
        Assert.Equal(frames.Sum(frame => (long)frame.Payload.Length), bytes);
    }

    [Fact]
    public void A_frame_larger_than_a_batch_goes_alone_with_a_64_bit_length()
    {
        var large = new byte[70_000];
        large[^1] = 42;
        var largeText = EngineFrame.Message(new string('z', 69_999));
        var queue = Queue(EngineFrame.Message("first"), EngineFrame.Binary(large), largeText, EngineFrame.Message("last"), EngineFrame.Message("after"));
        var recorder = new RecordingStream();
        var stream = new FrameCheckingStream(recorder, maxPayload: 1000);

        WriteAll(stream, queue);

        // The batch that met the large frame ends before it; each large frame goes alone; the rest batch again.
        Assert.Equal([["4first"], ["<70000>"], ["<70000>"], ["4last", "4after"]], recorder.Writes.Select(write =>
            ServerFrames(write.Bytes).Select(frame => frame.Payload.Length > 1000 ? $"<{frame.Payload.Length}>" : frame.Text).ToArray()));
        var binary = ServerFrames(recorder.Writes[1].Bytes)[0];
        Assert.Equal((0x2, 10, 42), (binary.Opcode, binary.HeaderLength, binary.Payload[^1]));
        Assert.Equal(new byte[] { 0x82, 127, 0, 0, 0, 0, 0, 1, 0x11, 0x70 }, recorder.Writes[1].Bytes[..10]);
        Assert.Equal((0x1, 10), (ServerFrames(recorder.Writes[2].Bytes)[0].Opcode, ServerFrames(recorder.Writes[2].Bytes)[0].HeaderLength));
        // The large text was encoded with its header: it is written from its own array, not copied.
        Assert.Same(ArrayOf(largeText.WebSocketFrame), ArrayOf(recorder.Writes[2].Memory));
    }

    [Fact]
    public void A_broadcast_frame_reaches_every_connection_as_the_same_array()
    {
        // One encode, queued to three sessions, as a broadcast does.
        var packet = new JsonPacketParser().EncodeEvent("/", "news", ["hello"]);
        var frame = packet.Frames[0];
        var recorders = new List<RecordingStream>();
        for (var i = 0; i < 3; i++)
        {
            var recorder = new RecordingStream();
            var stream = new FrameCheckingStream(recorder, maxPayload: 1000);
            WriteAll(stream, Queue(frame));
            recorders.Add(recorder);
        }

        var encoded = ArrayOf(frame.WebSocketFrame);
        foreach (var recorder in recorders)
        {
            var write = Assert.Single(recorder.Writes);
            Assert.True(MemoryMarshal.TryGetArray(write.Memory, out var segment));
            Assert.Same(encoded, segment.Array);
            Assert.Equal((0, encoded.Length), (segment.Offset, segment.Count));
            var sent = Assert.Single(ServerFrames(write.Bytes));
            Assert.Equal((0x1, "42[\"news\",\"hello\"]"), (sent.Opcode, sent.Text));
        }
        // What the packet exposes stays the packet alone.
        Assert.Equal("42[\"news\",\"hello\"]", Encoding.UTF8.GetString(frame.Bytes.Span));
    }

    [Fact]
    public async Task Nothing_is_written_after_the_WebSockets_own_close_frame()
    {
        var recorder = new RecordingStream();
        var stream = new FrameCheckingStream(recorder, maxPayload: 1000);
        using var socket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });
        WriteAll(stream, Queue(EngineFrame.Message("before")));

        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        WriteAll(stream, Queue(EngineFrame.Message("after"), EngineFrame.Binary(new byte[] { 1 })));
        WriteAll(stream, Queue(EngineFrame.Message("alone")));

        Assert.Equal([(0x1, "4before"), (0x8, "\u0003\u00e8")], recorder.Writes.Select(write =>
        {
            var frame = Assert.Single(ServerFrames(write.Bytes));
            return (frame.Opcode, Encoding.Latin1.GetString(frame.Payload));
        }));
    }

    [Fact]
    public async Task Nothing_is_written_after_the_close_frame_for_a_refused_frame()
    {
        var recorder = new RecordingStream();
        var stream = new FrameCheckingStream(recorder, maxPayload: 1000);
        WriteAll(stream, Queue(EngineFrame.Message("before")));

        // What the reader does on a first byte with RSV1 set (no extension): refused with 1002.
        await stream.RefuseAsync(ClientFrameChecker.ProtocolError("RSV1 must be clear"));
        WriteAll(stream, Queue(EngineFrame.Message("after"), EngineFrame.Message("and after")));

        Assert.Equal(2, recorder.Writes.Count);
        Assert.Equal(new byte[] { 0x88, 0x02, 0x03, 0xEA }, recorder.Writes[1].Bytes);
    }

    [Fact]
    public void Writing_queued_frames_allocates_nothing()
    {
        var recorder = new RecordingStream(record: false);
        var stream = new FrameCheckingStream(recorder, maxPayload: 1000);
        var queue = new OutboundQueue(100);
        var encoded = EngineFrame.Message(new string('x', 64));
        EngineFrame[] several = [encoded, EngineFrame.Binary(new byte[40]), EngineFrame.Message("b")];

        void WriteOne() => Write(stream, queue, encoded);
        void WriteSeveral() => Write(stream, queue, several);

        Assert.Equal(0, AllocationMeter.PerCall(WriteOne, 2000));
        Assert.Equal(0, AllocationMeter.PerCall(WriteSeveral, 2000));
        Assert.Equal(2 * 2005, recorder.WriteCount);

        static void Write(FrameCheckingStream stream, OutboundQueue queue, params ReadOnlySpan<EngineFrame> frames)
        {
            foreach (var frame in frames)
                queue.TryWrite(frame);
            queue.TryRead(out var first);
            var write = WebSocketFrameWriter.WriteAsync(stream, first, queue, out _);
            if (!write.IsCompletedSuccessfully)
                throw new InvalidOperationException("The write did not complete at once.");
            write.GetAwaiter().GetResult();
        }
    }

    private static OutboundQueue Queue(params EngineFrame[] frames)
    {
        var queue = new OutboundQueue(100);
        foreach (var frame in frames)
            Assert.True(queue.TryWrite(frame));
        return queue;
    }

    /// <summary>Writes everything queued, as the transport's drain does; returns the payload bytes written.</summary>
    private static long WriteAll(FrameCheckingStream stream, OutboundQueue queue)
    {
        var total = 0L;
        while (queue.TryRead(out var frame))
        {
            var write = WebSocketFrameWriter.WriteAsync(stream, frame, queue, out var bytes);
            Assert.True(write.IsCompletedSuccessfully);
            write.GetAwaiter().GetResult();
            total += bytes;
        }
        return total;
    }

    private static byte[] ArrayOf(ReadOnlyMemory<byte> memory)
    {
        Assert.True(MemoryMarshal.TryGetArray(memory, out var segment));
        return segment.Array!;
    }

    /// <summary>Parses server frames (unmasked) from bytes that hold whole frames only.</summary>
    internal static List<WrittenFrame> ServerFrames(ReadOnlySpan<byte> bytes)
    {
        var frames = new List<WrittenFrame>();
        while (!bytes.IsEmpty)
        {
            Assert.Equal(0, bytes[0] & 0x70); // no RSV bit
            Assert.Equal(0, bytes[1] & 0x80); // not masked
            var length = (long)(bytes[1] & 0x7F);
            var header = 2;
            if (length == 126)
            {
                length = BinaryPrimitives.ReadUInt16BigEndian(bytes[2..]);
                header = 4;
                Assert.True(length >= 126, "16-bit length for a payload a 7-bit one can hold");
            }
            else if (length == 127)
            {
                length = (long)BinaryPrimitives.ReadUInt64BigEndian(bytes[2..]);
                header = 10;
                Assert.True(length > ushort.MaxValue, "64-bit length for a payload a 16-bit one can hold");
            }
            frames.Add(new WrittenFrame((bytes[0] & 0x80) != 0, bytes[0] & 0x0F, header, bytes.Slice(header, (int)length).ToArray()));
            bytes = bytes[(header + (int)length)..];
        }
        return frames;
    }

    internal readonly record struct WrittenFrame(bool Fin, int Opcode, int HeaderLength, byte[] Payload)
    {
        public string Text => Encoding.UTF8.GetString(Payload);
    }
}

/// <summary>
/// A connection that records every write (the memory handed over, and a copy of its bytes: pooled buffers are reused),
/// optionally passing it on to <c>inner</c>; reads come from <c>inner</c>, else from <c>read</c> (then the end).
/// Without <c>inner</c> everything completes at once.
/// </summary>
internal sealed class RecordingStream(byte[]? read = null, bool record = true, Stream? inner = null) : AsyncOnlyStream
{
    private readonly List<(ReadOnlyMemory<byte> Memory, byte[] Bytes)> _writes = [];
    private int _readPosition;
    private int _writeCount;

    public IReadOnlyList<(ReadOnlyMemory<byte> Memory, byte[] Bytes)> Writes
    {
        get
        {
            lock (_writes)
                return [.. _writes];
        }
    }

    public int WriteCount => Volatile.Read(ref _writeCount);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (record)
        {
            lock (_writes)
                _writes.Add((buffer, buffer.ToArray()));
        }
        Interlocked.Increment(ref _writeCount);
        return inner is null ? default : inner.WriteAsync(buffer, cancellationToken);
    }

    public override Task FlushAsync(CancellationToken cancellationToken) =>
        inner is null ? Task.CompletedTask : inner.FlushAsync(cancellationToken);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (inner is not null)
            return inner.ReadAsync(buffer, cancellationToken);
        var data = read ?? [];
        var count = Math.Min(buffer.Length, data.Length - _readPosition);
        data.AsSpan(_readPosition, count).CopyTo(buffer.Span);
        _readPosition += count;
        return new ValueTask<int>(count);
    }

    public override void Flush() { }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            inner?.Dispose();
        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync() => inner?.DisposeAsync() ?? default;
}
