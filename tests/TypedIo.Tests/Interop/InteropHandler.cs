using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using TypedIo.EngineIo;

namespace TypedIo.Tests.Interop;

/// <summary>A message as the interop tests define it: text, or bytes the JavaScript client sends as <see cref="JsType"/>.</summary>
public sealed record InteropPayload(bool IsBinary, byte[] Data, string JsType)
{
    public static InteropPayload Text(string text) => new(false, Encoding.UTF8.GetBytes(text), "string");

    /// <param name="jsType">Buffer, Uint8Array or ArrayBuffer: what the client passes to <c>socket.send</c>.</param>
    public static InteropPayload Binary(byte[] data, string jsType) => new(true, data, jsType);

    public EngineFrame ToFrame() => IsBinary ? EngineFrame.Binary(Data) : EngineFrame.Message(Data);

    /// <summary>The form the script takes in its options: <c>{"text":...}</c> or <c>{"base64":...,"as":...}</c>.</summary>
    public JsonObject ToJson() => IsBinary
        ? new JsonObject { ["base64"] = Convert.ToBase64String(Data), ["as"] = JsType }
        : new JsonObject { ["text"] = Encoding.UTF8.GetString(Data) };

    public override string ToString() => IsBinary ? $"binary[{Convert.ToHexString(Data)}]" : $"text \"{Encoding.UTF8.GetString(Data)}\"";
}

/// <summary>A message the server received, with the session's transport at that moment.</summary>
public sealed record ReceivedMessage(string Sid, bool IsBinary, byte[] Data, string Transport)
{
    public string Text => Encoding.UTF8.GetString(Data);

    public override string ToString() => IsBinary ? $"binary[{Convert.ToHexString(Data)}] over {Transport}" : $"text \"{Text}\" over {Transport}";
}

/// <summary>
/// The server side of the interop tests: sends a greeting when a session opens, echoes every message (same type,
/// same bytes), and records what happens so a test can wait for it with a timeout.
/// </summary>
public sealed class InteropHandler(IReadOnlyList<InteropPayload>? greeting = null) : IEngineIoHandler
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    private readonly Channel<EngineIoSession> _connected = Channel.CreateUnbounded<EngineIoSession>();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<string>> _closed = new();
    private readonly Channel<ReceivedMessage> _incoming = Channel.CreateUnbounded<ReceivedMessage>();
    private readonly List<ReceivedMessage> _received = [];

    public ValueTask OnConnectedAsync(EngineIoSession session)
    {
        foreach (var payload in greeting ?? [])
            session.Send(payload.ToFrame());
        _connected.Writer.TryWrite(session);
        return ValueTask.CompletedTask;
    }

    public ValueTask OnMessageAsync(EngineIoSession session, EngineMessage message)
    {
        var data = message.Data.ToArray();
        _incoming.Writer.TryWrite(new ReceivedMessage(session.Id, message.IsBinary, data, session.Transport));
        session.Send(message.IsBinary ? EngineFrame.Binary(data) : EngineFrame.Message(data));
        return ValueTask.CompletedTask;
    }

    public void OnClosed(EngineIoSession session, string reason)
    {
        if (!ClosedSource(session.Id).TrySetResult(reason))
            throw new InvalidOperationException($"OnClosed called twice for session {session.Id}.");
    }

    public async Task<EngineIoSession> WaitConnectedAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            return await _connected.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("No session connected in time.");
        }
    }

    /// <summary>Waits until <paramref name="count"/> messages in all were received and returns them in order.</summary>
    public async Task<IReadOnlyList<ReceivedMessage>> WaitMessagesAsync(int count, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            while (_received.Count < count)
                _received.Add(await _incoming.Reader.ReadAsync(cts.Token));
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"Only {_received.Count} of {count} messages arrived in time: {string.Join(", ", _received.Take(20))}");
        }
        return [.. _received.Take(count)];
    }

    /// <summary>The messages received so far.</summary>
    public IReadOnlyList<ReceivedMessage> ReceivedSoFar()
    {
        while (_incoming.Reader.TryRead(out var message))
            _received.Add(message);
        return [.. _received];
    }

    /// <summary>Waits for the close of session <paramref name="sid"/> and returns its reason.</summary>
    public async Task<string> WaitClosedAsync(string sid, TimeSpan? timeout = null)
    {
        try
        {
            return await ClosedSource(sid).Task.WaitAsync(timeout ?? DefaultTimeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Session {sid} did not close in time.");
        }
    }

    /// <summary>Whether a close was reported (without waiting).</summary>
    public bool HasClosed() => _closed.Values.Any(c => c.Task.IsCompleted);

    private TaskCompletionSource<string> ClosedSource(string sid) =>
        _closed.GetOrAdd(sid, _ => new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously));
}
