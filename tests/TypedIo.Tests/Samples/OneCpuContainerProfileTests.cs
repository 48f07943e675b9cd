using System.Text.Json;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Tests.Samples;

/// <summary>
/// The chat sample's <c>OneCpuContainer</c> publish profile (docs/benchmarks.md, "Cold start on one CPU"): ReadyToRun,
/// and the one runtime setting that only the environment can carry put into the container image the SDK builds.
/// </summary>
public sealed class OneCpuContainerProfileTests
{
    [Fact]
    public async Task The_sample_profile_precompiles_and_puts_the_single_cpu_tier_up_setting_into_the_image()
    {
        var repository = Path.GetDirectoryName(Path.GetDirectoryName(NodeScript.JsDirectory)!)!;
        var config = await ContainerConfigAsync(Path.Combine(repository, "samples", "Chat"));

        Assert.Equal("true", config.GetProperty("Properties").GetProperty("PublishReadyToRun").GetString());
        var variables = config.GetProperty("Items").GetProperty("ContainerEnvironmentVariables").EnumerateArray()
            .ToDictionary(v => v.GetProperty("Identity").GetString()!, v => v.GetProperty("Value").GetString());
        Assert.Equal("1", variables["DOTNET_TC_DelaySingleProcMultiplier"]);
    }

    /// <summary>What the SDK's container build would put into the image, computed without building it (no registry needed).</summary>
    private static async Task<JsonElement> ContainerConfigAsync(string project)
    {
        var (exitCode, output) = await Generators.Tests.Infrastructure.ProcessRun.RunAsync(project, TimeSpan.FromMinutes(5), "dotnet",
            ["msbuild", "-nologo", "-p:PublishProfile=OneCpuContainer", "-t:ComputeContainerConfig",
             "-getProperty:PublishReadyToRun", "-getItem:ContainerEnvironmentVariables"]);
        Assert.True(exitCode == 0, "dotnet msbuild failed:\n" + output);
        return JsonDocument.Parse(output[output.IndexOf('{')..(output.LastIndexOf('}') + 1)]).RootElement.Clone();
    }
}
