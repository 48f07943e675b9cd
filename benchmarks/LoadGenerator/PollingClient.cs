using System.Net.Http.Headers;
using System.Text;

namespace TypedIo.Benchmarks.LoadGenerator;

/// <summary>
/// A minimal Socket.IO client over Engine.IO long-polling only (no upgrade): GET to receive, POST to send,
/// packets separated by the record separator 0x1E. Answers server pings.
/// </summary>
internal sealed class PollingClient
{
    private static readonly MediaTypeHeaderValue TextPlain = new("text/plain") { CharSet = "UTF-8" };
    private readonly HttpClient _http;
    private readonly Uri _uri;

    private PollingClient(HttpClient http, Uri uri)
    {
        _http = http;
        _uri = uri;
    }

    public static async Task<PollingClient> ConnectAsync(Uri baseUri, Transport transport, CancellationToken cancellationToken)
    {
        var http = transport.Http;
        var open = new UriBuilder(baseUri) { Path = "/socket.io/", Query = "EIO=4&transport=polling" }.Uri;
        var body = await http.GetByteArrayAsync(open, cancellationToken).ConfigureAwait(false);
        var text = Encoding.UTF8.GetString(body);
        const string marker = "\"sid\":\"";
        var start = text.IndexOf(marker, StringComparison.Ordinal);
        if (text.Length == 0 || text[0] != '0' || start < 0)
            throw new InvalidDataException("expected an Engine.IO open packet, got " + text);
        start += marker.Length;
        var sid = text[start..text.IndexOf('"', start)];
        var client = new PollingClient(http, new UriBuilder(open) { Query = "EIO=4&transport=polling&sid=" + Uri.EscapeDataString(sid) }.Uri);

        await client.PostAsync("40"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        bool connected = false, welcomed = false;
        while (!connected || !welcomed)
        {
            var packets = await client.PollAsync(cancellationToken).ConfigureAwait(false);
            foreach (var packet in Split(packets))
            {
                if (packet.StartsWith("40"u8))
                    connected = true;
                else if (packet.StartsWith("42[\"welcome\""u8))
                    welcomed = true;
                else if (packet.StartsWith("44"u8))
                    throw new InvalidDataException("CONNECT refused");
            }
        }
        return client;
    }

    public async Task PostAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        using var content = new ReadOnlyMemoryContent(payload);
        content.Headers.ContentType = TextPlain;
        using var response = await _http.PostAsync(_uri, content, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>One long-poll GET; pings in it are answered.</summary>
    public async Task<byte[]> PollAsync(CancellationToken cancellationToken)
    {
        var body = await _http.GetByteArrayAsync(_uri, cancellationToken).ConfigureAwait(false);
        if (body.AsSpan().IndexOf((byte)'2') >= 0)
        {
            foreach (var packet in Split(body))
            {
                if (packet.Length == 1 && packet[0] == (byte)'2')
                    await PostAsync("3"u8.ToArray(), cancellationToken).ConfigureAwait(false);
            }
        }
        return body;
    }

    public static List<byte[]> Split(byte[] payload)
    {
        var result = new List<byte[]>();
        var span = payload.AsSpan();
        while (true)
        {
            var separator = span.IndexOf((byte)0x1E);
            if (separator < 0)
            {
                result.Add(span.ToArray());
                return result;
            }
            result.Add(span[..separator].ToArray());
            span = span[(separator + 1)..];
        }
    }
}
