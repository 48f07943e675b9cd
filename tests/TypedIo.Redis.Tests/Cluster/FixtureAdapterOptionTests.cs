using System.Diagnostics;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Redis.Tests.Cluster;

/// <summary>
/// The fixture refuses cluster options it cannot serve, clearly and with exit code 2: an unknown adapter, and
/// <c>--recovery</c> with the official profile (whose suites need recovery off). Every adapter FIXTURE.md names
/// (pubsub, sharded, streams) is served: the cross-node tests start nodes with each.
/// </summary>
public sealed class FixtureAdapterOptionTests
{
    [Theory]
    [InlineData("Unknown adapter 'cluster' (pubsub, sharded or streams).", "--port", "0", "--redis", "127.0.0.1:1", "--adapter", "cluster")]
    [InlineData("--recovery belongs to the default profile", "--profile", "official", "--port", "0", "--recovery")]
    public async Task An_option_the_fixture_cannot_serve_is_refused(string message, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add(FixtureProcess.AssemblyPath);
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(2, process.ExitCode);
        Assert.Contains(message, await stderr);
    }
}
