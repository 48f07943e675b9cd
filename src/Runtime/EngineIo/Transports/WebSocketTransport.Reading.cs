using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using TypedIo.Diagnostics;

namespace TypedIo.EngineIo;

// Reading: the upgrade probe, the read loop's messages, pings and close, refused frames, and reads to fill the reader.
internal sealed partial class WebSocketTransport
{
    private static readonly byte[] ProbeRequest = "2probe"u8.ToArray();
    private static readonly byte[] UpgradeRequest = "5"u8.ToArray();
    private static readonly byte[] ProbeAnswer = WebSocketFrameWriter.Frame(0x1, EngineFrame.ProbePongFrame.Bytes.Span);

    private ReadTurn _turn;

    private async Task<bool> ProbeAsync()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_session.Closed);
        timeout.CancelAfter(_session.Server.Options.UpgradeTimeout);
        try
        {
            if (!await ReceiveExpectedAsync(ProbeRequest, timeout.Token).ConfigureAwait(false))
                return false;
            await _stream.WriteFramesAsync(ProbeAnswer).ConfigureAwait(false);
            _session.MarkProbed();
            return await ReceiveExpectedAsync(UpgradeRequest, timeout.Token).ConfigureAwait(false) && _session.CompleteUpgrade();
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException)
        {
            EngineIoLog.UpgradeFailed(_session.Server.Logger, _session.Id, ex.Message);
            return false;
        }
    }

    /// <summary>
    /// Reads the next message during the probe: true if it is the text <paramref name="expected"/>. Pings are answered;
    /// a refused frame ends this WebSocket only (its close frame is sent): the session goes on polling, as in Node.
    /// </summary>
    private async Task<bool> ReceiveExpectedAsync(byte[] expected, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (!await FillIfEmptyAsync(cancellationToken).ConfigureAwait(false))
                return false;
            var found = _reader.Next(out var payload, out var violation);
            switch (found)
            {
                case FrameEvent.NeedMore:
                    continue;
                case FrameEvent.Ping:
                    await SendPongAsync(payload).ConfigureAwait(false);
                    continue;
                case FrameEvent.Refused:
                    await _stream.RefuseAsync(violation!).ConfigureAwait(false);
                    ReportRefusedFrame();
                    return false;
                case FrameEvent.Text:
                    return payload.Span.SequenceEqual(expected);
                case FrameEvent.Close:
                    _clientClose = payload.ToArray();
                    return false;
                default:
                    return false;
            }
        }
    }

    /// <summary>Logs and counts a frame the checks refused (their close frame is already sent); false if none was.</summary>
    private bool ReportRefusedFrame()
    {
        if (_stream.Violation is not { } violation)
            return false;
        EngineIoLog.WebSocketFrameRefused(_session.Server.Logger, _session.Id, (int)violation.Status, violation.Reason);
        _session.Server.Metrics.PacketRejected(violation.Status == WebSocketCloseStatus.MessageTooBig
            ? TypedIoTelemetry.RejectionReasons.TooLarge
            : TypedIoTelemetry.RejectionReasons.ParseError);
        return true;
    }

    /// <summary>What the read loop does after a message.</summary>
    private enum ReadNext
    {
        Stop,
        Continue,
        EndTurn,
    }

    /// <summary>
    /// Reads what has arrived (after the zero-byte wait, or what a turn left) and handles every message, ping and close
    /// in it. In <paramref name="inline"/> scheduling it counts the handling against the connection's turn
    /// (<see cref="ReadTurn"/>) and says when the turn is over; the bytes not used yet wait for the next turn.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ReadNext> ReadMessagesAsync(bool inline)
    {
        if (!_reader.HasBuffered)
        {
            var count = await _stream.ReadAsync(_reader.ReadBuffer(), CancellationToken.None).ConfigureAwait(false);
            _reader.Filled(count);
            if (count == 0)
            {
                // The client went without a close frame.
                _session.Abort(EngineIoCloseReasons.TransportClose);
                return ReadNext.Stop;
            }
        }
        var endTurn = false;
        while (true)
        {
            if (endTurn && _reader.HasBuffered)
                return ReadNext.EndTurn;
            var found = _reader.Next(out var payload, out var violation);
            switch (found)
            {
                case FrameEvent.NeedMore:
                    return endTurn ? ReadNext.EndTurn : ReadNext.Continue;
                case FrameEvent.Ping:
                    await SendPongAsync(payload).ConfigureAwait(false);
                    continue;
                case FrameEvent.Close:
                    // The drain answers with the client's own close body once the session has closed (as ws does).
                    Volatile.Write(ref _clientClose, payload.ToArray());
                    _session.Abort(EngineIoCloseReasons.TransportClose);
                    return ReadNext.Stop;
                case FrameEvent.Refused:
                    await _stream.RefuseAsync(violation!).ConfigureAwait(false);
                    ReportRefusedFrame();
                    _session.Abort(EngineIoCloseReasons.TransportError);
                    return ReadNext.Stop;
            }

            // While a graceful close drains, the client's packets are ignored but reading goes on.
            var clock = _session.Server.TimeProvider;
            var started = inline ? clock.GetTimestamp() : 0;
            var handled = _session.ReceiveAsync(payload, found == FrameEvent.Binary);
            if (!handled.IsCompletedSuccessfully)
            {
                await handled.ConfigureAwait(false);
                // Resumed by the handler's completion, not by this connection's receive: a new turn.
                if (inline)
                    _turn.Reset(clock.GetTimestamp());
            }
            else
            {
                handled.GetAwaiter().GetResult();
                if (inline && _turn.Spend(started, clock.GetTimestamp(), _session.Server.ReadTurnBudget))
                    endTurn = true;
            }
            if (_session.State == EngineIoSession.SessionState.Closed)
                return ReadNext.Stop;
        }
    }

    /// <summary>
    /// Reads more into the reader when everything read is used (the probe and the close handshake; the read loop has its
    /// own, allocation-free path): false once the client has ended the connection.
    /// </summary>
    private ValueTask<bool> FillIfEmptyAsync(CancellationToken cancellationToken) =>
        _reader.HasBuffered ? new ValueTask<bool>(true) : FillAsync(cancellationToken);

    private async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        var count = await _stream.ReadAsync(_reader.ReadBuffer(), cancellationToken).ConfigureAwait(false);
        _reader.Filled(count);
        return count > 0;
    }
}
