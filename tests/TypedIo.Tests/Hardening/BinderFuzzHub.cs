using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TypedIo.Tests.Hardening;

public enum FuzzColor
{
    Red,
    Green,
}

public sealed record FuzzItem(string Name, int Count, IReadOnlyList<string> Tags, FuzzColor Color, DateTimeOffset? At);

/// <summary>One event per kind of parameter the binder reads; every method answers "ok" once it checked its arguments.</summary>
public interface IBinderFuzzEvents
{
    Task<string> Text(string value);
    Task<string> Numbers(int small, long big, double real, decimal money);
    Task<string> Flags(bool on, bool? maybe, FuzzColor color);
    Task<string> Item(FuzzItem item);
    Task<string> Lists(List<int> numbers, Dictionary<string, string> names, string[] words);
    Task<string> Bytes(byte[] data);
    Task<string> Ids(Guid id, DateTime at);
    Task<string> Optional(string? text, int? count, FuzzItem? item);
    Task<string> Raw(JsonElement value, params JsonNode?[] rest);
    Task Fire(string value, int count);
}

public interface IBinderFuzzClient
{
    Task Noted(string value);
}

/// <summary>What the fuzz hub saw: how many calls, and any argument its declared type should never have let through.</summary>
internal sealed class BinderFuzzProbe
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public System.Collections.Concurrent.ConcurrentQueue<string> Violations { get; } = new();

    public string Called(string method, params string?[] problems)
    {
        Interlocked.Increment(ref _calls);
        foreach (var problem in problems)
        {
            if (problem is not null)
                Violations.Enqueue($"{method}: {problem}");
        }
        return "ok";
    }
}

/// <summary>The target of <see cref="BinderFuzzTests"/>: its binders are generated, as in any app.</summary>
[SocketHub("/binder-fuzz")]
internal sealed partial class BinderFuzzHub(BinderFuzzProbe probe) : SocketHub<IBinderFuzzClient>, IBinderFuzzEvents
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    public Task<string> Text(string value) => Task.FromResult(probe.Called(nameof(Text), CheckString(value, "value")));

    // 1e400 binds as Infinity, as JSON.parse gives in Node: a valid double (never NaN, which JSON cannot spell).
    public Task<string> Numbers(int small, long big, double real, decimal money) =>
        Task.FromResult(probe.Called(nameof(Numbers), double.IsNaN(real) ? "real is NaN" : null));

    public Task<string> Flags(bool on, bool? maybe, FuzzColor color) => Task.FromResult(probe.Called(nameof(Flags)));

    public Task<string> Item(FuzzItem item) => Task.FromResult(probe.Called(nameof(Item), CheckItem(item, "item")));

    public Task<string> Lists(List<int> numbers, Dictionary<string, string> names, string[] words) =>
        Task.FromResult(probe.Called(nameof(Lists),
            numbers is null ? "numbers is null" : null,
            names is null ? "names is null" : names.Select(p => CheckString(p.Key, "key") ?? CheckString(p.Value, "names[" + p.Key + "]")).FirstOrDefault(p => p is not null),
            words is null ? "words is null" : words.Select((w, i) => CheckString(w, $"words[{i}]")).FirstOrDefault(p => p is not null)));

    public Task<string> Bytes(byte[] data) => Task.FromResult(probe.Called(nameof(Bytes), data is null ? "data is null" : null));

    public Task<string> Ids(Guid id, DateTime at) => Task.FromResult(probe.Called(nameof(Ids)));

    public Task<string> Optional(string? text, int? count, FuzzItem? item) =>
        Task.FromResult(probe.Called(nameof(Optional), text is null ? null : CheckString(text, "text"), item is null ? null : CheckItem(item, "item")));

    public Task<string> Raw(JsonElement value, params JsonNode?[] rest) =>
        Task.FromResult(probe.Called(nameof(Raw), value.ValueKind == JsonValueKind.Undefined ? "value is undefined" : null, rest is null ? "rest is null" : null));

    public Task Fire(string value, int count)
    {
        probe.Called(nameof(Fire), CheckString(value, "value"));
        return Task.CompletedTask;
    }

    private static string? CheckItem(FuzzItem item, string path)
    {
        if (item is null)
            return path + " is null";
        if (item.Tags is null)
            return path + ".tags is null";
        return CheckString(item.Name, path + ".name") ?? item.Tags.Select((t, i) => CheckString(t, $"{path}.tags[{i}]")).FirstOrDefault(p => p is not null);
    }

    /// <summary>A non-null string that is valid UTF-16 (a lone surrogate cannot be sent back out as JSON text).</summary>
    private static string? CheckString(string value, string path)
    {
        if (value is null)
            return path + " is null";
        try
        {
            StrictUtf8.GetByteCount(value);
            return null;
        }
        catch (EncoderFallbackException)
        {
            return path + " holds a lone surrogate";
        }
    }
}
