using System.Runtime.CompilerServices;

namespace TypedIo.Generators.Tests.Infrastructure;

/// <summary>
/// Snapshot assertions in Verify's received/verified convention, so moving to Verify later is a swap: the expected
/// text lives next to the test as <c>{TestClass}.{TestMethod}.verified.{ext}</c>; on a mismatch the actual text is
/// written to <c>.received.{ext}</c> and the test fails. <c>TYPEDIO_ACCEPT=1</c> accepts the received text instead.
/// </summary>
public static class Snapshot
{
    public static void Verify(string actual, string extension = "txt", string? name = null, [CallerFilePath] string testFile = "", [CallerMemberName] string testMethod = "")
    {
        testFile = RepositoryPaths.SourcePath(testFile);
        var directory = Path.GetDirectoryName(testFile)!;
        var stem = $"{Path.GetFileNameWithoutExtension(testFile)}.{name ?? testMethod}";
        var verifiedPath = Path.Combine(directory, $"{stem}.verified.{extension}");
        var receivedPath = Path.Combine(directory, $"{stem}.received.{extension}");
        actual = actual.ReplaceLineEndings("\n");

        var expected = File.Exists(verifiedPath) ? File.ReadAllText(verifiedPath).ReplaceLineEndings("\n") : null;
        if (expected == actual)
        {
            File.Delete(receivedPath);
            return;
        }
        if (Environment.GetEnvironmentVariable("TYPEDIO_ACCEPT") == "1")
        {
            File.WriteAllText(verifiedPath, actual);
            File.Delete(receivedPath);
            return;
        }
        File.WriteAllText(receivedPath, actual);
        Assert.Fail(expected is null
            ? $"No snapshot yet: review {receivedPath} and rename it to {Path.GetFileName(verifiedPath)} (or rerun with TYPEDIO_ACCEPT=1)."
            : $"The output differs from {Path.GetFileName(verifiedPath)}: compare it with {receivedPath} (diff -u), then accept or fix.\n{FirstDifference(expected, actual)}");
    }

    private static string FirstDifference(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        for (var i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            var left = i < e.Length ? e[i] : "<end>";
            var right = i < a.Length ? a[i] : "<end>";
            if (left != right)
                return $"line {i + 1}:\n- {left}\n+ {right}";
        }
        return "";
    }
}
