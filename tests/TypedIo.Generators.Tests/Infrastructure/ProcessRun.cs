using System.Diagnostics;

namespace TypedIo.Generators.Tests.Infrastructure;

/// <summary>Runs a command to its end and returns its exit code with everything it printed (shared by the test projects).</summary>
public static class ProcessRun
{
    /// <param name="directory">The working directory.</param>
    /// <param name="timeout">How long it may take.</param>
    /// <param name="file">The program.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <param name="outsideRepository">
    /// For a project built outside the checkout: drops <c>CI</c>, the repository's locked-restore switch (such a
    /// project has no lock file).
    /// </param>
    public static async Task<(int ExitCode, string Output)> RunAsync(string directory, TimeSpan timeout, string file, IEnumerable<string> arguments, bool outsideRepository = false)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        if (outsideRepository)
            start.Environment.Remove("CI");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cancel.Token);
        return (process.ExitCode, await output + await errors);
    }
}
