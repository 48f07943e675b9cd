using System.Diagnostics;

namespace TypedIo.Diagnostics;

/// <summary>
/// The <c>TypedIo</c> activity source: a span for each namespace connect and for each event handled. Both are roots of
/// their own trace (a WebSocket connection is one HTTP request that can last hours; its events are not its children);
/// an event links to its socket's connect span, and a connect links to the HTTP request it arrived on.
/// Nothing is allocated unless a listener samples them (<see cref="ActivitySource.HasListeners"/>).
/// </summary>
internal static class TypedIoActivities
{
    public const string ConnectName = "typedio.connect";
    public const string EventName = "typedio.event";

    public static readonly ActivitySource Source = new(TypedIoTelemetry.ActivitySourceName, typeof(TypedIoActivities).Assembly.GetName().Version?.ToString());

    /// <summary>Starts the span of a namespace connect, or returns null when nobody listens.</summary>
    public static Activity? StartConnect(string nsp, string socketId)
    {
        if (!Source.HasListeners())
            return null;
        var ambient = Activity.Current;
        var activity = StartRoot(ConnectName, ambient?.Context ?? default);
        if (activity is null)
            return null;
        activity.DisplayName = "connect " + nsp;
        activity.SetTag(TypedIoTelemetry.NamespaceTag, nsp);
        activity.SetTag(TypedIoTelemetry.SocketIdTag, socketId);
        return activity;
    }

    /// <summary>Starts the span of one event of <paramref name="socketId"/>, or returns null when nobody listens.</summary>
    public static Activity? StartEvent(string nsp, string socketId, string eventName, ActivityContext connect)
    {
        if (!Source.HasListeners())
            return null;
        var activity = StartRoot(EventName, connect);
        if (activity is null)
            return null;
        activity.DisplayName = eventName + " " + nsp;
        activity.SetTag(TypedIoTelemetry.NamespaceTag, nsp);
        activity.SetTag(TypedIoTelemetry.EventNameTag, eventName);
        activity.SetTag(TypedIoTelemetry.SocketIdTag, socketId);
        return activity;
    }

    /// <summary>Marks <paramref name="activity"/> failed with the type of <paramref name="error"/>.</summary>
    public static void Fail(Activity? activity, Exception error)
    {
        if (activity is null)
            return;
        activity.SetStatus(ActivityStatusCode.Error, error.Message);
        activity.SetTag(TypedIoTelemetry.ErrorTypeTag, error.GetType().FullName);
    }

    /// <summary>Marks <paramref name="activity"/> failed for <paramref name="errorType"/> (a refusal, not an exception).</summary>
    public static void Fail(Activity? activity, string errorType, string? description)
    {
        if (activity is null)
            return;
        activity.SetStatus(ActivityStatusCode.Error, description);
        activity.SetTag(TypedIoTelemetry.ErrorTypeTag, errorType);
    }

    /// <summary>Stops <paramref name="activity"/> and puts back what was current before it started.</summary>
    public static void Stop(Activity? activity, Activity? previous)
    {
        if (activity is null)
            return;
        activity.Stop();
        Activity.Current = previous;
    }

    private static Activity? StartRoot(string name, ActivityContext link)
    {
        // A root: no parent, whatever is current on this thread (the transport's long-running request).
        var previous = Activity.Current;
        Activity.Current = null;
        var activity = link == default
            ? Source.StartActivity(name, ActivityKind.Server, parentContext: default)
            : Source.StartActivity(name, ActivityKind.Server, parentContext: default, links: [new ActivityLink(link)]);
        if (activity is null)
            Activity.Current = previous;
        return activity;
    }
}
