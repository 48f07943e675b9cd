using TypedIo.Diagnostics;

namespace TypedIo.EngineIo;

// What the client sends: its packets decoded and handed to the handler one at a time, and the connect.
public sealed partial class EngineIoSession
{
    // The receive gate: one message (or the connect) handed to the handler at a time. A count of holders and waiters,
    // with a semaphore for the waiters made on the first contention (rare: a polling POST racing the handshake), instead
    // of a SemaphoreSlim every session keeps for its whole life.
    private int _receivers;
    private SemaphoreSlim? _receiveWaiters;

    /// <summary>
    /// Handles one incoming packet. Returns false when the session is no longer open afterwards, so the transport
    /// stops reading.
    /// </summary>
    internal async ValueTask<bool> ReceiveAsync(ReadOnlyMemory<byte> packet, bool isBinaryFrame)
    {
        if (State != SessionState.Open)
            return false;
        _server.Metrics.BytesReceived(Transport, packet.Length);

        if (isBinaryFrame)
        {
            await DeliverAsync(new EngineMessage(packet, isBinary: true)).ConfigureAwait(false);
            return State == SessionState.Open;
        }

        if (!EnginePacketDecoder.TryDecodeText(packet.Span, out var decoded))
        {
            EngineIoLog.InvalidPacket(_server.Logger, Id);
            _server.Metrics.PacketRejected(TypedIoTelemetry.RejectionReasons.ParseError);
            Abort(EngineIoCloseReasons.ParseError);
            return false;
        }

        switch (decoded.Type)
        {
            case EnginePacketType.Close:
                Abort(EngineIoCloseReasons.TransportClose, clientClosed: true);
                return false;
            case EnginePacketType.Ping:
                // In v4 only the server pings; a client ping outside an upgrade probe is a protocol violation.
                EngineIoLog.InvalidHeartbeatDirection(_server.Logger, Id);
                Abort(EngineIoCloseReasons.TransportError);
                return false;
            case EnginePacketType.Pong:
                OnPong();
                return true;
            case EnginePacketType.Message when decoded.IsBase64Binary:
                if (!EnginePacketDecoder.TryDecodeBase64(packet.Span[decoded.DataOffset..], out var rented, out var length))
                {
                    EngineIoLog.InvalidPacket(_server.Logger, Id);
                    _server.Metrics.PacketRejected(TypedIoTelemetry.RejectionReasons.ParseError);
                    Abort(EngineIoCloseReasons.ParseError);
                    return false;
                }
                try
                {
                    await DeliverAsync(new EngineMessage(rented.AsMemory(0, length), isBinary: true)).ConfigureAwait(false);
                }
                finally
                {
                    System.Buffers.ArrayPool<byte>.Shared.Return(rented);
                }
                return State == SessionState.Open;
            case EnginePacketType.Message:
                await DeliverAsync(new EngineMessage(packet[decoded.DataOffset..], isBinary: false)).ConfigureAwait(false);
                return State == SessionState.Open;
            default:
                // open, upgrade and noop mean nothing here; Node ignores them too.
                return true;
        }
    }

    private async ValueTask DeliverAsync(EngineMessage message)
    {
        await EnterReceiveAsync().ConfigureAwait(false);
        try
        {
            if (State == SessionState.Open)
            {
                ValueTask handled;
                using (HandlerScope.Enter(_server))
                    handled = _server.Handler.OnMessageAsync(this, message);
                await handled.ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            EngineIoLog.HandlerFailed(_server.Logger, Id, ex);
        }
        finally
        {
            ExitReceive();
        }
    }

    internal async ValueTask ConnectAsync()
    {
        await EnterReceiveAsync().ConfigureAwait(false);
        try
        {
            ValueTask connected;
            using (HandlerScope.Enter(_server))
                connected = _server.Handler.OnConnectedAsync(this);
            await connected.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            EngineIoLog.HandlerFailed(_server.Logger, Id, ex);
            Abort(EngineIoCloseReasons.ForcedClose);
        }
        finally
        {
            ExitReceive();
        }
    }

    private ValueTask EnterReceiveAsync() =>
        Interlocked.Increment(ref _receivers) == 1 ? ValueTask.CompletedTask : new ValueTask(ReceiveWaiters().WaitAsync());

    private void ExitReceive()
    {
        // Someone is waiting (or about to): hand the gate over. A release before its wait starts is counted by the semaphore.
        if (Interlocked.Decrement(ref _receivers) > 0)
            ReceiveWaiters().Release();
    }

    private SemaphoreSlim ReceiveWaiters() =>
        Volatile.Read(ref _receiveWaiters)
        ?? Interlocked.CompareExchange(ref _receiveWaiters, new SemaphoreSlim(0), null)
        ?? _receiveWaiters!;
}
