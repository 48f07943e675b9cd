using System.Text.Json;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Tests.Browser;

/// <summary>
/// A JavaScript developer's checklist in a real browser: headless Chromium (Debian's <c>/usr/bin/chromium</c>, driven
/// by playwright-core from tests/js/browser/run.mjs) opens a page served from another origin than the conformance
/// fixture (another port of 127.0.0.1), loads socket.io-client 4.8.1's own browser bundle and connects to the fixture,
/// over polling only, over websocket only and by default (polling, then the upgrade to websocket).
/// </summary>
/// <remarks>
/// Chromium is required: the test command installs it beforehand (tests/ensure-chromium.sh). When it is missing the
/// tests fail saying so; they are never skipped.
/// </remarks>
public sealed class BrowserInteropTests
{
    private const string Script = "browser/run.mjs";
    private const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>The limit for each single wait in the page; the machine may be busy with other builds.</summary>
    private const int StepTimeoutMs = 30_000;

    /// <summary>The script's own overall limit; the test waits a little longer for its result.</summary>
    private const int ScriptTimeoutMs = 240_000;

    private static readonly TimeSpan ResultTimeout = TimeSpan.FromMilliseconds(ScriptTimeoutMs + 30_000);

    public static TheoryData<string> Transports => new() { "polling", "websocket", "default" };

    /// <summary>
    /// With <c>--cors "*"</c> the cross-origin page connects (the right transport, the <c>welcome</c> event with its id
    /// and auth), echoes Uint8Array and ArrayBuffer values (alone, nested in JSON, a view, empty, 64 KiB) through
    /// <c>echo</c> and gets the same bytes back as ArrayBuffer, gets acks with JSON and binary arguments through
    /// <c>ack</c>, and disconnects cleanly.
    /// </summary>
    [Theory]
    [MemberData(nameof(Transports))]
    public async Task CorsAnyOrigin_CrossOriginPage_ConnectsEchoesBinaryAndGetsAcks(string transport)
    {
        RequireChromium();
        await using var fixture = await FixtureProcess.StartAsync("--cors", "*");

        var (result, control, output) = await RunAsync(fixture, "connect", transport);

        AssertCaseOk(result, output, fixture);
        Assert.Equal("*", control.GetProperty("accessControlAllowOrigin").GetString());
        Assert.NotEqual(result.GetProperty("pageOrigin").GetString(), result.GetProperty("serverOrigin").GetString());
        var (initial, final) = transport switch
        {
            "polling" => ("polling", "polling"),
            "websocket" => ("websocket", "websocket"),
            _ => ("polling", "websocket"),
        };
        Assert.Equal(initial, result.GetProperty("initialTransport").GetString());
        Assert.Equal(final, result.GetProperty("transport").GetString());

        var passed = Checks(result).Where(c => c.Ok).Select(c => c.Name).ToList();
        Assert.Contains("welcome carries the socket id and the auth payload", passed);
        Assert.Contains("echo Uint8Array (256 bytes)", passed);
        Assert.Contains("echo ArrayBuffer (64 KiB)", passed);
        Assert.Contains("echo binary nested in JSON with text and numbers", passed);
        Assert.Contains("ack with JSON and binary arguments", passed);
        Assert.Contains("client disconnect", passed);
        Assert.DoesNotContain(Strings(result, "console"), line => line.StartsWith("pageerror", StringComparison.Ordinal));
    }

    /// <summary>
    /// Without <c>--cors</c> the same cross-origin page cannot connect: over polling the browser blocks the XHR (no CORS
    /// grant), over websocket the server refuses the handshake from a foreign Origin (cross-site WebSocket hijacking);
    /// the page gets <c>connect_error</c> and never <c>connect</c>. A plain request from Node (no CORS in play) shows
    /// the server was up and answering all along.
    /// </summary>
    [Theory]
    [MemberData(nameof(Transports))]
    public async Task NoCors_CrossOriginPage_GetsConnectError(string transport)
    {
        RequireChromium();
        await using var fixture = await FixtureProcess.StartAsync();

        var (result, control, output) = await RunAsync(fixture, "blocked", transport);

        AssertCaseOk(result, output, fixture);
        Assert.Equal(200, control.GetProperty("status").GetInt32());
        Assert.True(control.GetProperty("handshake").GetBoolean(), output);
        Assert.Equal(JsonValueKind.Null, control.GetProperty("accessControlAllowOrigin").ValueKind);

        var error = result.GetProperty("connectError");
        var passed = Checks(result).Where(c => c.Ok).Select(c => c.Name).ToList();
        Assert.Contains("never connected", passed);
        if (transport == "websocket")
        {
            Assert.Equal("websocket error", error.GetProperty("message").GetString());
            Assert.Contains("the server refused the WebSocket handshake (4xx)", passed);
        }
        else
        {
            Assert.Equal("xhr poll error", error.GetProperty("message").GetString());
            Assert.Contains("the browser blocked the polling request by CORS policy", passed);
            Assert.Contains(Strings(result, "console"), line => line.Contains("has been blocked by CORS policy", StringComparison.Ordinal));
        }
    }

    private static void RequireChromium()
    {
        if (!File.Exists(ChromiumPath))
        {
            Assert.Fail(
                $"Chromium is not installed at {ChromiumPath}: the browser tests need Debian's package 'chromium'. " +
                "Install it as root with `apt-get install -y chromium` (tests/ensure-chromium.sh does it; the test command runs it first).");
        }
    }

    /// <summary>Runs one case of run.mjs; returns its result, the control request's result, and all the script printed.</summary>
    private static async Task<(JsonElement Result, JsonElement Control, string Output)> RunAsync(FixtureProcess fixture, string expect, string transport)
    {
        await using var script = NodeScript.Start(
            Script,
            "--url", fixture.Url,
            "--expect", expect,
            "--cases", transport,
            "--timeout-ms", StepTimeoutMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--overall-ms", ScriptTimeoutMs.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var done = await script.WaitForEventAsync("done", ResultTimeout);
        var exitCode = await script.WaitForExitAsync(TimeSpan.FromSeconds(60));
        var result = Assert.Single(script.EventsNamed("case"));
        var control = Assert.Single(script.EventsNamed("control"));
        Assert.True(
            control.GetProperty("ok").GetBoolean(),
            $"The control request from Node to the fixture was not as expected ({expect}).\n{script.Output}\n{fixture.Output}");
        Assert.True(done.GetProperty("ok").GetBoolean() && exitCode == 0, Describe(result, script.Output, fixture));
        return (result, control, script.Output);
    }

    private static void AssertCaseOk(JsonElement result, string output, FixtureProcess fixture)
    {
        var checks = Checks(result);
        Assert.True(result.GetProperty("ok").GetBoolean() && checks.Count > 0 && checks.All(c => c.Ok), Describe(result, output, fixture));
        Assert.False(fixture.HasExited, "The fixture process exited during the test.\n" + fixture.Output);
    }

    private static List<(string Name, bool Ok, string Detail)> Checks(JsonElement result) =>
        [.. result.GetProperty("checks").EnumerateArray().Select(c => (
            c.GetProperty("name").GetString() ?? "",
            c.GetProperty("ok").GetBoolean(),
            c.TryGetProperty("detail", out var d) ? d.ToString() : ""))];

    private static List<string> Strings(JsonElement result, string property) =>
        result.TryGetProperty(property, out var array) ? [.. array.EnumerateArray().Select(e => e.GetString() ?? "")] : [];

    private static string Describe(JsonElement result, string output, FixtureProcess fixture)
    {
        var failed = Checks(result).Where(c => !c.Ok).Select(c => $"  FAILED {c.Name}: {c.Detail}");
        return $"The browser case '{result.GetProperty("name").GetString()}' did not pass:\n{string.Join('\n', failed)}\n" +
               $"{output}\n{fixture.Output}";
    }
}
