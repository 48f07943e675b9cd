using System.Diagnostics;
using TypedIo.Diagnostics;
using TypedIo.SocketIo;

namespace TypedIo.Tests.SocketIo.Observability;

/// <summary>
/// The <c>TypedIo</c> activity source, observed with an <see cref="ActivityListener"/>. The listener is process-wide:
/// each test uses a namespace of its own and keeps only the activities tagged with it.
/// </summary>
public sealed class ActivityTests : IDisposable
{
    private readonly string _nsp = "/traced-" + Guid.NewGuid().ToString("N")[..8];
    private readonly Recorder<Activity> _stopped = new();
    private readonly ActivityListener _listener;

    public ActivityTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == TypedIoTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if ((string?)activity.GetTagItem(TypedIoTelemetry.NamespaceTag) == _nsp)
                    _stopped.Add(activity);
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task A_namespace_connect_is_a_root_server_activity_tagged_with_namespace_and_socket_id()
    {
        await using var g = await SocketGroup.StartAsync(1, _nsp);

        var connect = await _stopped.NextAsync();
        Assert.Equal("typedio.connect", connect.OperationName);
        Assert.Equal("connect " + _nsp, connect.DisplayName);
        Assert.Equal(ActivityKind.Server, connect.Kind);
        Assert.Equal(TypedIoTelemetry.ActivitySourceName, connect.Source.Name);
        Assert.Null(connect.ParentId);
        Assert.Equal(g.Sockets[0].Id, connect.GetTagItem(TypedIoTelemetry.SocketIdTag));
        Assert.Equal(ActivityStatusCode.Unset, connect.Status);
    }

    [Fact]
    public async Task Each_event_is_an_activity_with_namespace_event_and_socket_tags_linked_to_the_connect()
    {
        await using var g = await SocketGroup.StartAsync(1, _nsp, io => io.Of(_nsp).OnConnection(s => s.On("fail", _ => throw new InvalidOperationException("boom"))));
        var connect = await _stopped.NextAsync();

        await g.SyncAsync(0, _nsp);
        var marker = await _stopped.NextAsync();
        Assert.Equal("typedio.event", marker.OperationName);
        Assert.Equal("marker " + _nsp, marker.DisplayName);
        Assert.Equal(ActivityKind.Server, marker.Kind);
        Assert.Equal("marker", marker.GetTagItem(TypedIoTelemetry.EventNameTag));
        Assert.Equal(g.Sockets[0].Id, marker.GetTagItem(TypedIoTelemetry.SocketIdTag));
        Assert.Null(marker.ParentId);
        Assert.NotEqual(connect.TraceId, marker.TraceId);
        Assert.Equal(connect.Context, Assert.Single(marker.Links).Context);
        Assert.Equal(ActivityStatusCode.Unset, marker.Status);

        await g.Clients[0].SendAsync("42" + _nsp + """,["fail"]""");
        var failed = await _stopped.NextAsync();
        Assert.Equal("fail", failed.GetTagItem(TypedIoTelemetry.EventNameTag));
        Assert.Equal(ActivityStatusCode.Error, failed.Status);
        Assert.Equal(typeof(InvalidOperationException).FullName, failed.GetTagItem(TypedIoTelemetry.ErrorTypeTag));
    }

    [Fact]
    public async Task A_refused_connect_is_an_activity_with_error_status()
    {
        await using var g = await SocketGroup.StartAsync(0, _nsp, io => io.Of(_nsp).Use((_, _) => throw new SocketConnectException("not you")));
        using var client = await SioClient.ConnectAsync(g.Host);
        await client.SendAsync("40" + _nsp + ",");
        Assert.StartsWith("44" + _nsp, await client.ReceiveAsync(), StringComparison.Ordinal);

        var connect = await _stopped.NextAsync();
        Assert.Equal("typedio.connect", connect.OperationName);
        Assert.Equal(ActivityStatusCode.Error, connect.Status);
        Assert.Equal("not you", connect.StatusDescription);
        Assert.Equal(TypedIoTelemetry.RejectionReasons.ConnectRefused, connect.GetTagItem(TypedIoTelemetry.ErrorTypeTag));
    }
}
