using System.Buffers;
using System.IO.Pipelines;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using TypedIo.Diagnostics;

namespace TypedIo.EngineIo;

/// <summary>HTTP long-polling: GET collects queued packets in one payload, POST delivers packets.</summary>
internal static class PollingTransport
{
    private static readonly byte[] Ok = "ok"u8.ToArray();

    public static async Task HandleHandshakeAsync(EngineIoSession session, HttpContext context)
    {
        // The handshake GET is the session's first poll: it returns at once with the open packet.
        if (!session.TryBeginPoll())
            return;
        var frames = new List<EngineFrame>(2);
        session.TryDrainForPoll(frames);
        try
        {
            await session.ConnectAsync().ConfigureAwait(false);
        }
        finally
        {
            session.EndPoll();
        }
        await WritePayloadAsync(context, frames, session.Server.Options).ConfigureAwait(false);
        CountSent(session, frames);
    }

    public static async Task HandlePollAsync(EngineIoSession session, HttpContext context)
    {
        if (!session.TryBeginPoll())
        {
            // Node closes the session on overlapping polls; the pending poll gets the close packet.
            EngineIoLog.PollOverlap(session.Server.Logger, session.Id);
            session.Abort(EngineIoCloseReasons.TransportError);
            await EngineIoErrorResponse.WriteAsync(context, EngineIoErrorCode.BadRequest).ConfigureAwait(false);
            return;
        }

        var frames = new List<EngineFrame>();
        EngineFrame? reply;
        try
        {
            reply = await WaitForFramesAsync(session, context, frames).ConfigureAwait(false);
        }
        finally
        {
            // The poll ends once it has taken its frames, before they are written: the client sends its next poll as
            // soon as it has this response, maybe on another connection that Kestrel serves on another thread, and
            // that poll must not find this one still pending (Node, on one thread, has ended it by then).
            session.EndPoll();
        }
        if (reply is { } single)
            frames.Add(single);
        else if (frames.Count == 0)
            return;
        await WritePayloadAsync(context, frames, session.Server.Options).ConfigureAwait(false);
        CountSent(session, frames);
        if (session.State == EngineIoSession.SessionState.Closing && reply is not null)
            session.CompleteClose();
    }

    /// <summary>
    /// Waits until there is something to send. Fills <paramref name="frames"/> with queued packets, or returns the
    /// one packet that ends the poll instead (close, or a noop during an upgrade). Returns null with no frames when
    /// the client aborted the request.
    /// </summary>
    private static async ValueTask<EngineFrame?> WaitForFramesAsync(EngineIoSession session, HttpContext context, List<EngineFrame> frames)
    {
        var outbound = session.Outbound;
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, session.PollingEnded);
        while (true)
        {
            if (session.State == EngineIoSession.SessionState.Closed)
                return session.PollCloseReply;
            if (session.IsProbed && outbound.Count == 0)
                return EngineFrame.NoopFrame;

            bool more;
            try
            {
                more = await outbound.WaitToReadAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                if (context.RequestAborted.IsCancellationRequested)
                {
                    if (session.Transport == EngineIoTransports.Polling)
                    {
                        EngineIoLog.PollAborted(session.Server.Logger, session.Id);
                        session.Abort(EngineIoCloseReasons.TransportError);
                    }
                    return null;
                }
                // Upgraded while this poll waited: end it cleanly.
                return session.State == EngineIoSession.SessionState.Closed ? session.PollCloseReply : EngineFrame.NoopFrame;
            }

            if (!more)
            {
                // Queue completed and empty: a graceful close ends with the close packet, an abort likewise.
                return session.State == EngineIoSession.SessionState.Closed ? session.PollCloseReply : EngineFrame.CloseFrame;
            }

            if (!session.TryDrainForPoll(frames))
                return session.State == EngineIoSession.SessionState.Closed ? session.PollCloseReply : EngineFrame.NoopFrame;
            if (frames.Count > 0)
            {
                // The last packets of a graceful close go out together with the close packet.
                return session.State == EngineIoSession.SessionState.Closing && outbound.IsCompleted
                    ? EngineFrame.CloseFrame
                    : null;
            }
        }
    }

    /// <summary>Counts the Engine.IO packet bytes of a polling response (before payload framing and compression).</summary>
    private static void CountSent(EngineIoSession session, List<EngineFrame> frames)
    {
        var metrics = session.Server.Metrics;
        if (!metrics.BytesSentEnabled)
            return;
        long bytes = 0;
        foreach (var frame in frames)
            bytes += frame.Bytes.Length;
        metrics.BytesSent(EngineIoTransports.Polling, bytes);
    }

    /// <summary>Answers the late poll of a session its client closed (<see cref="ClientClosedPolls"/>) with a noop.</summary>
    public static Task AnswerLatePollAsync(HttpContext context, EngineIoOptions options) =>
        WritePayloadAsync(context, [EngineFrame.NoopFrame], options);

    private static async Task WritePayloadAsync(HttpContext context, List<EngineFrame> frames, EngineIoOptions options)
    {
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(frames);
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/plain; charset=UTF-8";
        var length = PollingPayload.GetEncodedLength(span);

        if (HttpCompression.ChooseEncoding(context.Request, span, length, options.HttpCompressionThreshold) is { } encoding)
        {
            var payload = new ArrayBufferWriter<byte>(length);
            PollingPayload.Write(span, payload);
            var compressed = HttpCompression.Compress(payload.WrittenSpan, encoding);
            response.Headers.ContentEncoding = encoding;
            response.ContentLength = compressed.Length;
            await response.Body.WriteAsync(compressed, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        response.ContentLength = length;
        PollingPayload.Write(span, response.BodyWriter);
        await response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    public static async Task HandleDataAsync(EngineIoSession session, HttpContext context)
    {
        if (!session.TryBeginPost())
        {
            EngineIoLog.PostOverlap(session.Server.Logger, session.Id);
            session.Abort(EngineIoCloseReasons.TransportError);
            await EngineIoErrorResponse.WriteAsync(context, EngineIoErrorCode.BadRequest).ConfigureAwait(false);
            return;
        }

        var posting = true;
        try
        {
            if (string.Equals(context.Request.ContentType, "application/octet-stream", StringComparison.OrdinalIgnoreCase))
            {
                // Engine.IO v4 sends binary over polling as base64 text; a raw binary body is a v3 client or a probe.
                session.Abort(EngineIoCloseReasons.TransportError);
                await EngineIoErrorResponse.WriteAsync(context, EngineIoErrorCode.BadRequest).ConfigureAwait(false);
                return;
            }

            var maxSize = session.Server.Options.MaxHttpBufferSize;
            if (context.Request.ContentLength > maxSize)
            {
                await RefuseTooLargeAsync(session, context).ConfigureAwait(false);
                return;
            }
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
                sizeFeature.MaxRequestBodySize = null;

            var reader = context.Request.BodyReader;
            ReadResult result;
            while (true)
            {
                try
                {
                    result = await reader.ReadAsync(context.RequestAborted).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or OperationCanceledException)
                {
                    // Like Node: a payload cut short closes the session rather than losing its packets unnoticed.
                    EngineIoLog.PostAborted(session.Server.Logger, session.Id);
                    session.Abort(EngineIoCloseReasons.TransportError);
                    throw;
                }
                if (result.Buffer.Length > maxSize)
                {
                    reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                    await RefuseTooLargeAsync(session, context).ConfigureAwait(false);
                    return;
                }
                if (result.IsCompleted)
                    break;
                reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            }

            var ok = await ProcessPayloadAsync(session, result.Buffer).ConfigureAwait(false);
            reader.AdvanceTo(result.Buffer.End);

            if (!ok)
            {
                await EngineIoErrorResponse.WriteAsync(context, EngineIoErrorCode.BadRequest).ConfigureAwait(false);
                return;
            }

            var response = context.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "text/html";
            response.ContentLength = Ok.Length;
            // The POST is over before its answer goes out: the client sends its next POST as soon as it has the answer,
            // and that one may be handled on another thread before this method would get to its end.
            posting = false;
            session.EndPost();
            await response.Body.WriteAsync(Ok, context.RequestAborted).ConfigureAwait(false);
        }
        finally
        {
            if (posting)
                session.EndPost();
        }
    }

    private static Task RefuseTooLargeAsync(EngineIoSession session, HttpContext context)
    {
        EngineIoLog.PayloadTooLarge(session.Server.Logger, session.Id, session.Server.Options.MaxHttpBufferSize);
        session.Server.Metrics.PacketRejected(TypedIoTelemetry.RejectionReasons.TooLarge);
        context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        context.Response.ContentLength = 0;
        return Task.CompletedTask;
    }

    /// <summary>Delivers the packets of one payload in order. Returns false on a parse error.</summary>
    private static async ValueTask<bool> ProcessPayloadAsync(EngineIoSession session, ReadOnlySequence<byte> body)
    {
        var length = (int)body.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, length));
        var ranges = ArrayPool<Range>.Shared.Rent(8);
        try
        {
            body.CopyTo(buffer);
            var payload = buffer.AsMemory(0, length);
            if (!Utf8.IsValid(payload.Span))
            {
                EngineIoLog.InvalidPacket(session.Server.Logger, session.Id);
                session.Server.Metrics.PacketRejected(TypedIoTelemetry.RejectionReasons.ParseError);
                session.Abort(EngineIoCloseReasons.ParseError);
                return false;
            }

            var count = PollingPayload.Split(payload.Span, ref ranges);
            for (var i = 0; i < count; i++)
            {
                if (!await session.ReceiveAsync(payload[ranges[i]], isBinaryFrame: false).ConfigureAwait(false))
                    return session.CloseReason != EngineIoCloseReasons.ParseError;
            }
            return true;
        }
        finally
        {
            ArrayPool<Range>.Shared.Return(ranges);
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
