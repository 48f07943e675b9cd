using System.Net;
using System.Text.Json;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Tests.EngineIo;

/// <summary>
/// A bare Engine.IO long-polling client over <see cref="HttpClient"/>: it does only what a test tells it, so the
/// test controls exactly which requests are in flight. Each instance has its own connection pool.
/// </summary>
internal sealed class RawPollingClient : IDisposable
{
    private readonly TestHost _host;

    private RawPollingClient(TestHost host, string sid, JsonElement open)
    {
        _host = host;
        Sid = sid;
        Open = open;
    }

    public HttpClient Http { get; } = EioTestUtil.NewHttpClient();

    public string Sid { get; }

    public JsonElement Open { get; }

    public Uri Uri => EioTestUtil.PollingUri(_host, Sid);

    /// <summary>Opens a session with a polling handshake.</summary>
    public static async Task<RawPollingClient> ConnectAsync(TestHost host)
    {
        using var http = EioTestUtil.NewHttpClient();
        using var response = await http.GetAsync(EioTestUtil.PollingUri(host)).WithTimeout();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var open = EioTestUtil.ParseOpen(await response.Content.ReadAsStringAsync());
        return new RawPollingClient(host, open.GetProperty("sid").GetString()!, open);
    }

    /// <summary>Starts a GET and returns once the response headers arrived (or <paramref name="cancellationToken"/> aborts it).</summary>
    public Task<HttpResponseMessage> StartGetAsync(CancellationToken cancellationToken = default) =>
        Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, Uri), HttpCompletionOption.ResponseHeadersRead, cancellationToken);

    /// <summary>One poll: asserts 200 and returns the packets of the payload.</summary>
    public async Task<string[]> PollAsync(TimeSpan? timeout = null)
    {
        using var response = await StartGetAsync().WithTimeout(timeout);
        return await ReadPacketsAsync(response);
    }

    public static async Task<string[]> ReadPacketsAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return EioTestUtil.SplitPayload(await response.Content.ReadAsStringAsync());
    }

    /// <summary>POSTs a payload (packets joined by 0x1E) and returns the response.</summary>
    public Task<HttpResponseMessage> PostRawAsync(string payload) => Http.PostAsync(Uri, EioTestUtil.Text(payload)).WithTimeout();

    /// <summary>POSTs packets and asserts the "ok" answer.</summary>
    public async Task PostAsync(params string[] packets)
    {
        using var response = await PostRawAsync(string.Join('\u001e', packets));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
    }

    /// <summary>Polls until <paramref name="predicate"/> matches a packet; returns every packet seen up to it.</summary>
    public async Task<List<string>> PollUntilAsync(Func<string, bool> predicate, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? EioTestUtil.Timeout);
        var seen = new List<string>();
        while (true)
        {
            using var response = await StartGetAsync(cts.Token);
            foreach (var packet in await ReadPacketsAsync(response))
            {
                seen.Add(packet);
                if (predicate(packet))
                    return seen;
            }
        }
    }

    public void Dispose() => Http.Dispose();
}
