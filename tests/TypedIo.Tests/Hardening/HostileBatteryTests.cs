using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using TypedIo.SocketIo;
using TypedIo.Tests.EngineIo;
using TypedIo.Tests.Infrastructure;
using TypedIo.Tests.SocketIo;

namespace TypedIo.Tests.Hardening;

/// <summary>
/// Issue 16's "done when": one server takes a battery of hostile input (mutated Socket.IO packets over WebSocket and
/// polling, invalid and oversize WebSocket frames, unknown session ids, wrong namespaces, half-finished handshakes), and
/// afterwards serves a fresh client and has its managed heap back at its baseline. Each input's own answer is tested
/// elsewhere (the fuzz, frame and audit tests); this one checks what the whole run leaves behind. Deterministic: the
/// inputs come from fixed seeds. Runs alone (it measures the heap).
/// </summary>
[Collection(nameof(HalfOpenSessionTests))]
public sealed class HostileBatteryTests
{
    private static readonly int Sessions =
        int.TryParse(Environment.GetEnvironmentVariable("TYPEDIO_HOSTILE_ROUNDS"), System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 400;

    private static readonly string[] Valid =
    [
        "42[\"echo\",\"x\"]", "421[\"echo\",{\"a\":[1,2,{\"b\":null}]}]", "40/nope,", "41", "43[\"x\"]", "451-[\"echo\",{\"_placeholder\":true,\"num\":0}]",
        "42/admin,[\"echo\",1]", "2", "3", "5", "6", "1", "40{\"token\":\"\\ud800\"}",
    ];

    [Fact]
    public async Task After_a_battery_of_hostile_input_a_fresh_client_is_served_and_the_heap_is_back_at_its_baseline()
    {
        await using var host = await SioTest.StartAsync(
            io => io.Of("/").OnConnection(socket => socket.On("echo", e => socket.EmitAsync("echo", e.Args.ToEmitArgs()))),
            o =>
            {
                o.EngineIo.MaxHttpBufferSize = 64 * 1024;
                // A session the battery leaves behind must still be reaped by the server's own clock, quickly here.
                o.EngineIo.PingInterval = TimeSpan.FromSeconds(2);
                o.EngineIo.PingTimeout = TimeSpan.FromSeconds(2);
            });
        var engine = host.Services.GetRequiredSocketIo().Engine;
        using var http = EioTestUtil.NewHttpClient();

        // Warm-up with the same battery (JIT, pools, caches), then the baseline.
        await RunBatteryAsync(host, http, seed: 1_000_000, count: 200);
        await EioTestUtil.WaitUntilAsync(() => engine.ClientsCount == 0, "the warm-up sessions to end", TimeSpan.FromSeconds(30));
        var baseline = await SettledHeapAsync(long.MaxValue);

        await RunBatteryAsync(host, http, seed: 0, count: Sessions);
        await EioTestUtil.WaitUntilAsync(() => engine.ClientsCount == 0, "every hostile session to end", TimeSpan.FromSeconds(60));

        using (var fresh = await SioClient.ConnectAsync(host))
        {
            await fresh.JoinAsync();
            await fresh.AssertEchoAsync("{\"after\":\"the battery\"}");
            await fresh.CloseAsync();
        }
        await EioTestUtil.WaitUntilAsync(() => engine.ClientsCount == 0, "the fresh client's session to end", TimeSpan.FromSeconds(30));

        // The warm-up filled what the hostile paths cache once (pools, buffers): the run itself measured 0.1-0.2 MB. A
        // session kept alive costs about 12 KB over WebSocket, so 1 MB catches a leak of a fraction of the 400 rounds.
        var after = await SettledHeapAsync(baseline + 1_000_000);
        Console.WriteLine($"hostile battery: {Sessions} rounds; managed heap {baseline / 1024} KB before, {after / 1024} KB after");
        Assert.True(after - baseline < 1_000_000, $"managed heap {baseline / 1024} KB before the battery, {after / 1024} KB after");
    }

    private static async Task RunBatteryAsync(TestHost host, HttpClient http, int seed, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var random = new Random(seed + i);
            switch (i % 5)
            {
                case 0 or 1:
                    await MutatedOverWebSocketAsync(host, random);
                    break;
                case 2:
                    await MutatedOverPollingAsync(host, http, random);
                    break;
                case 3:
                    await BadFrameAsync(host, random);
                    break;
                default:
                    await BadRequestsAsync(host, http, random);
                    break;
            }
        }
    }

    private static async Task MutatedOverWebSocketAsync(TestHost host, Random random)
    {
        using var client = await SioClient.ConnectAsync(host);
        await client.JoinAsync();
        try
        {
            for (var n = 0; n < 5; n++)
                await client.SendAsync(Mutate(random));
            await client.CloseAsync();
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or OperationCanceledException)
        {
            // The server closed the connection over one of the packets, as the protocol says it may.
        }
    }

    private static async Task MutatedOverPollingAsync(TestHost host, HttpClient http, Random random)
    {
        var open = await (await http.GetAsync(new Uri(host.BaseAddress, "socket.io/?EIO=4&transport=polling"))).Content.ReadAsStringAsync();
        var sid = EioTestUtil.ParseOpen(open).GetProperty("sid").GetString()!;
        var uri = new Uri(host.BaseAddress, $"socket.io/?EIO=4&transport=polling&sid={sid}");
        var body = "40\u001e" + string.Join('\u001e', Enumerable.Range(0, 3).Select(_ => Mutate(random)));
        using (await http.PostAsync(uri, EioTestUtil.Text(body)))
        {
        }
        // Ends the session whatever the POST did (a closed session answers 400, which is fine here).
        using (await http.PostAsync(uri, EioTestUtil.Text("1")))
        {
        }
    }

    private static async Task BadFrameAsync(TestHost host, Random random)
    {
        await using var connection = await RawFrameConnection.OpenAsync(host.BaseAddress, "/socket.io/?EIO=4&transport=websocket");
        Assert.Equal(0x1, (await connection.ReadFrameAsync()).Opcode); // the open packet
        byte[][] headers =
        [
            [0xC1, 0x80], // RSV1 on a text frame
            [0x83, 0x80], // reserved opcode
            [0x81, 0x05], // no mask
            [0x81, 0xFF, 0x40, 0, 0, 0, 0, 0, 0, 0], // 2^62 bytes
        ];
        var header = headers[random.Next(headers.Length)];
        await connection.SendAsync(header);
        Assert.Contains(await connection.ReadCloseCodeAsync(), new[] { 1002, 1009 });
        connection.EndSending(); // as ws does once it has the close frame
        await connection.WaitForEndAsync();
    }

    private static async Task BadRequestsAsync(TestHost host, HttpClient http, Random random)
    {
        var unknown = new Uri(host.BaseAddress, $"socket.io/?EIO=4&transport=polling&sid=unknown{random.Next()}");
        using (var response = await http.GetAsync(unknown))
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var open = await (await http.GetAsync(new Uri(host.BaseAddress, "socket.io/?EIO=4&transport=polling"))).Content.ReadAsStringAsync();
        var sid = EioTestUtil.ParseOpen(open).GetProperty("sid").GetString()!;
        var huge = "4" + new string('x', 64 * 1024 + random.Next(1000));
        using (var response = await http.PostAsync(new Uri(host.BaseAddress, $"socket.io/?EIO=4&transport=polling&sid={sid}"), EioTestUtil.Text(huge)))
            Assert.False(response.IsSuccessStatusCode, $"an oversize POST was answered {(int)response.StatusCode}");
        using (await http.PostAsync(new Uri(host.BaseAddress, $"socket.io/?EIO=4&transport=polling&sid={sid}"), EioTestUtil.Text("1")))
        {
        }
        using var client = await SioClient.ConnectAsync(host);
        await client.SendAsync("40/nowhere,");
        Assert.StartsWith("44/nowhere,", await client.ReceiveAsync(), StringComparison.Ordinal);
        await client.CloseAsync();
    }

    /// <summary>A valid packet mutated one to three times (truncation, bit flips, inserted bytes, splices).</summary>
    private static string Mutate(Random random)
    {
        var bytes = Encoding.UTF8.GetBytes(Valid[random.Next(Valid.Length)]).ToList();
        for (var m = random.Next(1, 4); m > 0 && bytes.Count > 0; m--)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(4))
            {
                case 0: bytes.RemoveRange(at, bytes.Count - at); break;
                case 1: bytes[at] ^= (byte)(1 << random.Next(7)); break;
                case 2: bytes.Insert(at, (byte)"[]{}\",:0-\\u"[random.Next(11)]); break;
                default: bytes.InsertRange(at, Encoding.UTF8.GetBytes(Valid[random.Next(Valid.Length)])); break;
            }
        }
        // Text frames must be valid UTF-8 (the WebSocket would refuse them before the parser): keep ASCII.
        return new string(bytes.Select(b => (char)(b & 0x7F)).ToArray());
    }

    /// <summary>The managed heap without the pinned object heap (Kestrel's buffer pool), once it stops shrinking.</summary>
    private static async Task<long> SettledHeapAsync(long target)
    {
        var watch = Stopwatch.StartNew();
        var heap = Measure();
        while (heap >= target && watch.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(250);
            heap = Measure();
        }
        return heap;
    }

    private static long Measure()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: false) - GC.GetGCMemoryInfo(GCKind.Any).GenerationInfo[4].SizeAfterBytes;
    }
}
