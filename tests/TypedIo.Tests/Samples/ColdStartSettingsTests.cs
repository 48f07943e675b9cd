using System.Text.Json;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Tests.Samples;

/// <summary>
/// What the sample and the fixture set for a fast start (docs/benchmarks.md, "Cold start on one CPU: what to set"):
/// hot methods optimized without the runtime's start-up delay, written into runtimeconfig.json, and the sample's
/// <c>OneCpuContainer</c> publish profile precompiling with ReadyToRun. The template's copy is checked by the package
/// test that builds a project from it.
/// </summary>
public sealed class ColdStartSettingsTests
{
    private const string CallCountingDelay = "System.Runtime.TieredCompilation.CallCountingDelayMs";

    [Fact]
    public async Task The_sample_s_one_cpu_profile_precompiles_and_its_project_removes_the_tier_up_delay()
    {
        var repository = Path.GetDirectoryName(Path.GetDirectoryName(NodeScript.JsDirectory)!)!;
        var (exitCode, output) = await Generators.Tests.Infrastructure.ProcessRun.RunAsync(Path.Combine(repository, "samples", "Chat"),
            TimeSpan.FromMinutes(5), "dotnet",
            ["msbuild", "-nologo", "-p:PublishProfile=OneCpuContainer", "-getProperty:PublishReadyToRun", "-getItem:RuntimeHostConfigurationOption"]);
        Assert.True(exitCode == 0, "dotnet msbuild failed:\n" + output);
        var evaluation = JsonDocument.Parse(output[output.IndexOf('{')..(output.LastIndexOf('}') + 1)]).RootElement;

        Assert.Equal("true", evaluation.GetProperty("Properties").GetProperty("PublishReadyToRun").GetString());
        var options = evaluation.GetProperty("Items").GetProperty("RuntimeHostConfigurationOption").EnumerateArray()
            .ToDictionary(o => o.GetProperty("Identity").GetString()!, o => o.GetProperty("Value").GetString());
        Assert.Equal("0", options[CallCountingDelay]);
    }

    [Fact]
    public void The_fixture_as_built_runs_without_the_tier_up_delay()
    {
        // The test project references the fixture, so its runtimeconfig.json is the one every fixture process reads.
        var path = Path.Combine(AppContext.BaseDirectory, Path.ChangeExtension(FixtureProcess.AssemblyFileName, ".runtimeconfig.json"));
        using var config = JsonDocument.Parse(File.ReadAllText(path));

        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");
        Assert.Equal(0, properties.GetProperty(CallCountingDelay).GetInt32());
    }
}
