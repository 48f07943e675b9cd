using System.Diagnostics;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Tests.Interop;

/// <summary>
/// The fixture's <c>--recovery</c> (FIXTURE.md) with the in-memory adapter: the real socket.io-client loses its
/// transport, comes back and is recovered with every packet it missed; every stored packet, <c>welcome</c> included,
/// carries its offset as a trailing argument (<c>tests/js/cluster/recovery.mjs</c>).
/// </summary>
public sealed class FixtureRecoveryTests
{
    [Theory]
    [InlineData("websocket")]
    [InlineData("polling")]
    public async Task A_client_of_the_fixture_with_recovery_gets_its_session_and_missed_packets_back(string mode)
    {
        await using var fixture = await FixtureProcess.StartAsync("--recovery");
        await using var script = NodeScript.Start("cluster/recovery.mjs", fixture.Url, fixture.Url, mode);
        var result = await script.WaitForEventAsync("result", TimeSpan.FromSeconds(60));

        Assert.True(result.GetProperty("recovered").GetBoolean());
        Assert.True(result.GetProperty("sameId").GetBoolean());
        Assert.Equal([1, 2, 3, 4, 5, 6], result.GetProperty("items").EnumerateArray().Select(n => n.GetInt32()));
        Assert.All(result.GetProperty("offsets").EnumerateArray(), t => Assert.Equal("string", t.GetString()));
        Assert.Equal("string", result.GetProperty("welcomeOffset").GetString());
    }

    [Fact]
    public async Task Without_recovery_the_client_comes_back_as_a_new_socket()
    {
        await using var fixture = await FixtureProcess.StartAsync();
        await using var script = NodeScript.Start("cluster/recovery.mjs", fixture.Url, fixture.Url, "websocket");
        var result = await script.WaitForEventAsync("result", TimeSpan.FromSeconds(60));

        Assert.False(result.GetProperty("recovered").GetBoolean());
        Assert.False(result.GetProperty("sameId").GetBoolean());
        Assert.Equal([6], result.GetProperty("items").EnumerateArray().Select(n => n.GetInt32()));
        Assert.Equal("undefined", result.GetProperty("welcomeOffset").GetString());
    }

    [Fact]
    public async Task Recovery_is_refused_in_the_official_profile()
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { FixtureProcess.AssemblyPath, "--profile", "official", "--port", "0", "--recovery" })
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("--recovery belongs to the default profile", await stderr);
    }
}
