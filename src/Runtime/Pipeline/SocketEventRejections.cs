using System.Text.Json.Nodes;
using TypedIo.SocketIo;

namespace TypedIo;

/// <summary>Refusing an event the way the built-in steps do, for middleware of your own (rate limiting, quotas).</summary>
public static class SocketEventRejections
{
    /// <summary>
    /// Refuses <paramref name="socketEvent"/>: its ack receives <c>{"error":{...}}</c> when the client asked for one;
    /// otherwise, unless <see cref="SocketIoOptions.UnacknowledgedRejection"/> is <see cref="UnacknowledgedRejection.Ignore"/>,
    /// the socket receives <see cref="SocketIoOptions.ErrorEventName"/> (<c>typedio:error</c>) with
    /// <c>{"event":name,"error":{...}}</c>. Do not call the middleware's <c>next</c> afterwards.
    /// </summary>
    /// <returns>Whether something was sent.</returns>
    /// <example>
    /// <code>
    /// io.Of("/chat").UseForEvents(async (e, next) =>
    /// {
    ///     if (!limiter.TryAcquire(e.Socket.Id)) { e.Reject(new SocketRejection("rate_limited", "Slow down.")); return; }
    ///     await next();
    /// });
    /// </code>
    /// </example>
    public static bool Reject(this SocketEvent socketEvent, SocketRejection rejection)
    {
        ArgumentNullException.ThrowIfNull(socketEvent);
        ArgumentNullException.ThrowIfNull(rejection);
        if (socketEvent.HasAck)
            return socketEvent.Ack(rejection.ToJson());
        var options = socketEvent.Socket.Namespace.Server.Options;
        if (options.UnacknowledgedRejection == UnacknowledgedRejection.Ignore || !socketEvent.Socket.Connected)
            return false;
        var envelope = new JsonObject { ["event"] = socketEvent.Name, ["error"] = rejection.ErrorJson() };
        _ = socketEvent.Socket.EmitAsync(options.ErrorEventName, envelope);
        return true;
    }
}
