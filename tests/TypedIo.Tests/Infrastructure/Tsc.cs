using TypedIo.Generators.Tests.Infrastructure;

namespace TypedIo.Tests.Infrastructure;

/// <summary>TypeScript's compiler from tests/js (pinned by its lockfile), run on a project of that folder.</summary>
internal static class Tsc
{
    /// <summary>Compiles <paramref name="project"/> (a tsconfig path relative to tests/js); fails the test on any error.</summary>
    /// <param name="project">The tsconfig.</param>
    /// <param name="declarations">The generated .d.ts it needs (relative to tests/js), checked first for a clear message.</param>
    /// <param name="writtenBy">Which build writes those declarations, for the message.</param>
    public static async Task CompileAsync(string project, string declarations, string writtenBy)
    {
        var tsc = Path.Combine(NodeScript.JsDirectory, "node_modules", "typescript", "bin", "tsc");
        Assert.True(File.Exists(tsc), $"TypeScript is not installed: run npm ci in {NodeScript.JsDirectory}.");
        Assert.True(File.Exists(Path.Combine(NodeScript.JsDirectory, declarations)), $"The build did not write {declarations} ({writtenBy}).");
        var (exitCode, output) = await ProcessRun.RunAsync(NodeScript.JsDirectory, TimeSpan.FromMinutes(2), "node", [tsc, "-p", project]);
        Assert.True(exitCode == 0, $"tsc -p {project} failed:\n{output}");
    }
}
