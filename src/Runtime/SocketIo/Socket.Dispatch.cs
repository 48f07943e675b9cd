using System.Collections.Immutable;
using System.Diagnostics;
using System.Text.Json;
using TypedIo.Diagnostics;

namespace TypedIo.SocketIo;

// What the client sends: packets, events run through middleware and handlers (a bounded number at once), acks.
public sealed partial class Socket
{
    private int _eventsInFlight;
    // Made when the reader waits for a slot (a client with MaxConcurrentEventsPerSocket events in flight): most sockets
    // never do, and a SemaphoreSlim held for the socket's whole life would cost every socket ~90 bytes.
    private TaskCompletionSource? _slotFreed;
    private string? _lastEventName;

    internal ValueTask OnPacketAsync(SocketPacket packet)
    {
        if (!Connected)
            return ValueTask.CompletedTask;
        switch (packet.Type)
        {
            case SocketPacketType.Event:
            case SocketPacketType.BinaryEvent:
                var args = SocketArgs.OfPacket(packet, Namespace.Server.Parser as JsonPacketParser);
                return Dispatch(new SocketEvent(this, ReadEventName(packet), args, packet.Id));
            case SocketPacketType.Ack:
            case SocketPacketType.BinaryAck:
                OnAck(SocketArgs.OfPacket(packet, Namespace.Server.Parser as JsonPacketParser), packet.Id);
                break;
            case SocketPacketType.Disconnect:
                OnClose(SocketDisconnectReasons.ClientNamespaceDisconnect);
                break;
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// A plain EVENT as the server's JSON decoder gives it: its arguments, which keep its payload, and its ack id
    /// (no <see cref="SocketPacket"/> is made for it).
    /// </summary>
    internal ValueTask OnEventAsync(SocketArgs args, long? ackId)
    {
        if (!Connected)
            return ValueTask.CompletedTask;
        return Dispatch(new SocketEvent(this, _lastEventName = args.ReadEventName(_lastEventName), args, ackId));
    }

    /// <summary>A client's answer to an ack this socket asked for (a plain ACK comes from the JSON decoder without a packet).</summary>
    internal void OnAck(SocketArgs args, long? ackId)
    {
        if (!Connected)
            return;
        // Node ignores these too ("bad ack"): a late answer after a timeout is normal, so the connection stays.
        if (ackId is not { } id || !_acks.Complete(id, args))
        {
            SocketIoLog.UnknownAck(Namespace.Server.Logger, Id, ackId);
            Namespace.Server.Metrics.PacketRejected(TypedIoTelemetry.RejectionReasons.UnknownAck, Namespace.Name);
        }
    }

    private ValueTask Dispatch(SocketEvent socketEvent)
    {
        // The common case takes a slot without waiting; a client with too many events in flight is not read
        // from until one finishes, so it cannot make the server hold an unbounded number of handlers.
        if (TryTakeEventSlot())
        {
            _ = DispatchAsync(socketEvent);
            return ValueTask.CompletedTask;
        }
        return DispatchWhenSlotFreeAsync(socketEvent);
    }

    /// <summary>
    /// The event name, as the same string instance while a client keeps sending the same event: a client mostly
    /// repeats a few names, and this saves a string per event.
    /// </summary>
    private string ReadEventName(SocketPacket packet)
    {
        var last = _lastEventName;
        if (packet.EventArgs is { } args)
            return _lastEventName = args.ReadEventName(last);
        if (last is not null && packet.Data is { ValueKind: JsonValueKind.Array } data && data.GetArrayLength() > 0
            && data[0] is { ValueKind: JsonValueKind.String } name && name.ValueEquals(last))
            return last;
        return _lastEventName = packet.EventName!;
    }

    private async ValueTask DispatchWhenSlotFreeAsync(SocketEvent socketEvent)
    {
        SocketIoLog.EventsThrottled(Namespace.Server.Logger, Id, Namespace.Server.Options.MaxConcurrentEventsPerSocket);
        Namespace.Server.Metrics.PacketRejected(TypedIoTelemetry.RejectionReasons.Throttled, Namespace.Name);
        // Only the connection's reader dispatches (one packet at a time), so there is at most one waiter.
        while (true)
        {
            var freed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Interlocked.Exchange(ref _slotFreed, freed); // a full fence: the look below cannot pass it
            // Looked at after publishing the wait: a slot released before then is seen here, one released after
            // completes the wait.
            if (TryTakeEventSlot())
            {
                Interlocked.CompareExchange(ref _slotFreed, null, freed);
                break;
            }
            try
            {
                await freed.Task.WaitAsync(Connection.Closed).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return; // the connection closed: nothing more to dispatch
            }
        }
        _ = DispatchAsync(socketEvent);
    }

    private bool TryTakeEventSlot()
    {
        var inFlight = Volatile.Read(ref _eventsInFlight);
        while (inFlight < _maxEventsInFlight)
        {
            var seen = Interlocked.CompareExchange(ref _eventsInFlight, inFlight + 1, inFlight);
            if (seen == inFlight)
                return true;
            inFlight = seen;
        }
        return false;
    }

    private void ReleaseEventSlot()
    {
        Interlocked.Decrement(ref _eventsInFlight);
        if (Volatile.Read(ref _slotFreed) is not null)
            Interlocked.Exchange(ref _slotFreed, null)?.TrySetResult();
    }

    /// <summary>
    /// Runs middleware, catch-all handlers and the event's handlers. Not awaited by the receive loop: a handler
    /// may await an ack from the same client. Each starts synchronously, so handlers start in arrival order.
    /// </summary>
    private async Task DispatchAsync(SocketEvent socketEvent)
    {
        var previous = Activity.Current;
        var activity = TypedIoActivities.StartEvent(Namespace.Name, Id, socketEvent.Name, ConnectActivity);
        try
        {
            var middleware = _middleware;
            if (middleware.IsEmpty && Namespace.EventMiddleware.IsEmpty)
                await _handlers.InvokeAsync(socketEvent).ConfigureAwait(false);
            else
                await RunMiddlewareAsync(middleware, socketEvent).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            TypedIoActivities.Fail(activity, ex);
            SocketIoLog.HandlerFailed(Namespace.Server.Logger, Id, socketEvent.Name, ex);
            // The client's ack would otherwise wait for its timeout with no word of what happened.
            if (socketEvent.HasAck && !socketEvent.IsAcknowledged)
                socketEvent.Ack(ServerErrorRejection.ToJson());
        }
        finally
        {
            TypedIoActivities.Stop(activity, previous);
            ReleaseEventSlot();
        }
    }

    // Its own method: a lambda in DispatchAsync would allocate its closure on every event, middleware or not.
    private ValueTask RunMiddlewareAsync(ImmutableArray<EventMiddleware> middleware, SocketEvent socketEvent) =>
        MiddlewarePipeline.RunAsync(Namespace.CombineEventMiddleware(middleware), socketEvent, () => Connected ? _handlers.InvokeAsync(socketEvent) : ValueTask.CompletedTask);
}
