using System.Text.Json.Nodes;
using TypedIo.SocketIo;
using TypedIo.Tests.SocketIo;

namespace TypedIo.Tests.Typed;

public sealed record Note(string Room, string Text, int? Priority);

public sealed record JoinReply(string Room, int Members);

public interface INoteEvents
{
    Task Post(Note note);
    Task<JoinReply> Join(string room, CancellationToken cancellationToken);
    [Event("set-flag")] ValueTask SetFlag(bool on);
    Task<int?> Maybe(string? text);
    Task<int> Size(byte[] data);
    Task<string> Fail(string how);
    Task<string> AskCaller(int timeoutMs);
    Task Relay(string @event, params JsonNode?[] args);
    Task Forward(string @event, SocketArgs args);
    Task<int> CountArgs(SocketArgs args);
    Task Mirror(SocketArgs args);
}

public interface INoteClient
{
    Task Posted(Note note);
    Task<bool> AreYouThere(string question);
    ValueTask<string?> Nickname(CancellationToken cancellationToken);
    Task Blob(byte[] data);
    Task Mirrored(SocketArgs args);
    Task MirroredFrom(string from, SocketArgs args);
}

/// <summary>A per-socket service, to prove hubs come from the socket's scope.</summary>
public sealed class SocketScopedCounter
{
    public int Count;
}

/// <summary>What the hub hooks saw, for the tests to wait on.</summary>
internal sealed class HubProbe
{
    public Recorder<string> Lifecycle { get; } = new();

    public Recorder<Note> Notes { get; } = new();

    public Recorder<bool> Flags { get; } = new();

    public TaskCompletionSource ConnectedGate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool HoldConnected { get; set; }
}

[SocketHub("/notes")]
internal sealed partial class NoteHub(HubProbe probe, SocketScopedCounter counter) : SocketHub<INoteClient>, INoteEvents, IDisposable
{
    public override async ValueTask OnConnectedAsync()
    {
        if (probe.HoldConnected)
            await probe.ConnectedGate.Task;
        probe.Lifecycle.Add("connected:" + Context.SocketId);
    }

    public override ValueTask OnDisconnectedAsync(string reason)
    {
        probe.Lifecycle.Add("disconnected:" + reason + ":" + Context.SocketAborted.IsCancellationRequested);
        return default;
    }

    public void Dispose() => probe.Lifecycle.Add("disposed");

    public async Task Post(Note note)
    {
        counter.Count++;
        probe.Notes.Add(note);
        await Clients.OthersIn(note.Room).Posted(note);
    }

    public Task<JoinReply> Join(string room, CancellationToken cancellationToken)
    {
        Assert.True(cancellationToken.CanBeCanceled);
        Context.Socket.Join(room);
        return Task.FromResult(new JoinReply(room, Context.Socket.Namespace.Adapter.Sockets(new HashSet<string> { room }).Count));
    }

    public ValueTask SetFlag(bool on)
    {
        probe.Flags.Add(on);
        return default;
    }

    public Task<int?> Maybe(string? text) => Task.FromResult(text?.Length);

    public Task<int> Size(byte[] data) => Task.FromResult(data.Length);

    public Task<string> Fail(string how) => how switch
    {
        "hub" => throw new SocketHubException("not_allowed", "You may not."),
        _ => throw new InvalidOperationException("secret internals"),
    };

    public async Task<string> AskCaller(int timeoutMs)
    {
        try
        {
            var yes = await Clients.Caller.WithTimeout(TimeSpan.FromMilliseconds(timeoutMs)).AreYouThere("there?");
            return yes ? "yes" : "no";
        }
        catch (SocketAckTimeoutException)
        {
            return "timeout";
        }
        catch (SocketAckException)
        {
            return "invalid";
        }
    }

    public Task Relay(string @event, params JsonNode?[] args) => Context.Socket.EmitAsync(@event, args).AsTask();

    public Task Forward(string @event, SocketArgs args) => Context.Socket.EmitAsync(@event, args).AsTask();

    public Task<int> CountArgs(SocketArgs args) => Task.FromResult(args.Count);

    public async Task Mirror(SocketArgs args)
    {
        await Clients.Caller.Mirrored(args);
        await Clients.Caller.MirroredFrom("hub", args);
    }
}

public interface IPatternEvents
{
    Task<string> Where();
}

public interface IPatternClient
{
    Task Hello(string nsp);
}

[SocketHub(NamespacePattern = "^/team-[0-9]+$")]
public sealed partial class TeamHub : SocketHub<IPatternClient>, IPatternEvents
{
    public override ValueTask OnConnectedAsync() => new(Clients.Caller.Hello(Context.Socket.Namespace.Name));

    public Task<string> Where() => Task.FromResult(Context.Socket.Namespace.Name);
}
