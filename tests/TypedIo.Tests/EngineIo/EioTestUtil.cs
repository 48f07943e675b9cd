using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using TypedIo.EngineIo;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Tests.EngineIo;

/// <summary>Small helpers shared by the Engine.IO tests.</summary>
internal static class EioTestUtil
{
    public const string Path = "/engine.io";

    /// <summary>How long a test waits for something that should happen promptly.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>A host serving Engine.IO at /engine.io for <paramref name="handler"/>.</summary>
    public static Task<TestHost> StartAsync(IEngineIoHandler handler, Action<EngineIoOptions>? configure = null) =>
        TestHost.StartAsync(app => app.MapEngineIo(Path, handler, configure));

    public static Uri PollingUri(TestHost host, string? sid = null, string? extraQuery = null)
    {
        var query = "EIO=4&transport=polling" + (sid is null ? "" : "&sid=" + sid) + (extraQuery is null ? "" : "&" + extraQuery);
        return new Uri(host.BaseAddress, "engine.io/?" + query);
    }

    public static Uri WebSocketUri(TestHost host, string? sid = null)
    {
        var query = "EIO=4&transport=websocket" + (sid is null ? "" : "&sid=" + sid);
        return new Uri(host.WebSocketAddress, "engine.io/?" + query);
    }

    /// <summary>Splits a polling payload into its packets.</summary>
    public static string[] SplitPayload(string payload) => payload.Split('\u001e');

    /// <summary>Parses an open packet ("0{...}").</summary>
    public static JsonElement ParseOpen(string packet)
    {
        Assert.StartsWith("0", packet, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(packet[1..]);
        return doc.RootElement.Clone();
    }

    public static string[] Upgrades(JsonElement open) =>
        open.GetProperty("upgrades").EnumerateArray().Select(e => e.GetString()!).ToArray();

    /// <summary>Asserts an Engine.IO error response: status and the exact JSON body.</summary>
    public static async Task AssertErrorAsync(HttpResponseMessage response, int code, string message, HttpStatusCode status = HttpStatusCode.BadRequest)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal($$"""{"code":{{code}},"message":"{{message}}"}""", body);
    }

    public static HttpClient NewHttpClient() => new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };

    public static StringContent Text(string body) => new(body, Encoding.UTF8, "text/plain");

    /// <summary>Waits for a condition of server state that has no event of its own, failing after the timeout.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? Timeout);
        while (!condition())
        {
            if (cts.IsCancellationRequested)
                throw new TimeoutException($"Timed out waiting for {what}.");
            await Task.Delay(2, CancellationToken.None);
        }
    }

    /// <summary>A task that completes within the default timeout or fails the test.</summary>
    public static async Task<T> WithTimeout<T>(this Task<T> task, TimeSpan? timeout = null)
    {
        var limit = timeout ?? Timeout;
        var finished = await Task.WhenAny(task, Task.Delay(limit));
        if (finished != task)
            throw new TimeoutException($"Timed out after {limit}.");
        return await task;
    }

    public static async Task WithTimeout(this Task task, TimeSpan? timeout = null)
    {
        var limit = timeout ?? Timeout;
        var finished = await Task.WhenAny(task, Task.Delay(limit));
        if (finished != task)
            throw new TimeoutException($"Timed out after {limit}.");
        await task;
    }
}
