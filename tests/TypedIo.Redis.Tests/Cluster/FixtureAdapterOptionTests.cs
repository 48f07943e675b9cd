using System.Diagnostics;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Redis.Tests.Cluster;

/// <summary>The fixture refuses the adapters that do not exist yet, clearly and with a non-zero exit code.</summary>
public sealed class FixtureAdapterOptionTests
{
    [Theory]
    [InlineData("sharded")]
    public async Task An_adapter_that_does_not_exist_yet_is_refused(string adapter)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { FixtureProcess.AssemblyPath, "--port", "0", "--redis", "127.0.0.1:1", "--adapter", adapter })
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(2, process.ExitCode);
        Assert.Contains($"--adapter {adapter} is not available yet", await stderr);
    }
}
