using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using TypedIo.SocketIo;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Tests.SocketIo.Compression;

public sealed class CompressFlagTests
{
    private static readonly string Large = new('y', 3000);

    public static TheoryData<string, bool> Emits => new()
    {
        { "socket", true },
        { "socket-no-compress", false },
        { "namespace", true },
        { "namespace-no-compress", false },
    };

    [Theory]
    [MemberData(nameof(Emits))]
    public async Task The_compress_flag_decides_whether_a_polling_response_is_compressed(string how, bool compressed)
    {
        var connected = new TaskCompletionSource<Socket>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await TestHost.StartAsync(
            app => app.MapTypedIo(io => io.Of("/").OnConnection(connected.SetResult)),
            services => services.AddTypedIo());
        using var http = new HttpClient();
        var baseUri = new Uri(host.BaseAddress, "socket.io/?EIO=4&transport=polling");

        var open = await http.GetStringAsync(baseUri);
        var sid = JsonDocument.Parse(open[1..]).RootElement.GetProperty("sid").GetString();
        var sessionUri = new Uri(baseUri + "&sid=" + sid);
        using (var post = await http.PostAsync(sessionUri, new StringContent("40", Encoding.UTF8, "text/plain")))
            Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.StartsWith("40{\"sid\":", await http.GetStringAsync(sessionUri));
        var socket = await connected.Task.WaitAsync(TimeSpan.FromSeconds(10));

        await (how switch
        {
            "socket" => socket.EmitAsync("big", Large),
            "socket-no-compress" => socket.Compress(false).EmitAsync("big", Large),
            "namespace" => socket.Namespace.EmitAsync("big", Large),
            _ => socket.Namespace.All.Compress(false).EmitAsync("big", Large),
        });

        using var request = new HttpRequestMessage(HttpMethod.Get, sessionUri);
        request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip");
        using var response = await http.SendAsync(request).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(compressed, response.Content.Headers.ContentEncoding.Contains("gzip"));
        if (!compressed)
            Assert.Equal($"42[\"big\",\"{Large}\"]", await response.Content.ReadAsStringAsync());
    }
}
