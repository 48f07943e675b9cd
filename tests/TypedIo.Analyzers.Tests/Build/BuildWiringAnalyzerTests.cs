using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using TypedIo.Analyzers.Tests.Infrastructure;
using TypedIo.CodeAnalysis;
using Verify = TypedIo.Analyzers.Tests.Infrastructure.Verifier<TypedIo.Analyzers.BuildWiringAnalyzer>;

namespace TypedIo.Analyzers.Tests.Build;

/// <summary>TIO102: a hub compiled by MSBuild without TypedIo.targets (which would write its .d.ts).</summary>
public sealed class BuildWiringAnalyzerTests
{
    private const string Hub = """
        using System.Threading.Tasks;
        using TypedIo;

        public interface IEchoHub { Task Say(string text); }
        public interface IEchoClient { Task Said(string text); }

        [SocketHub("/echo")]
        public sealed partial class {|#0:EchoHub|} : SocketHub<IEchoClient>, IEchoHub
        {
            public Task Say(string text) => Task.CompletedTask;
        }
        """;

    [Fact]
    public Task A_hub_built_by_msbuild_without_the_targets_is_reported() =>
        RunAsync("build_property.TargetFramework = net10.0",
            Verify.Diagnostic(TypedIoDiagnostics.BuildTargetsNotImported).WithLocation(0).WithArguments("EchoHub"));

    [Fact]
    public Task A_hub_built_with_the_targets_is_fine() =>
        RunAsync("build_property.TargetFramework = net10.0\nbuild_property.TypedIoTargetsImported = true");

    [Fact]
    public Task A_compilation_outside_msbuild_is_not_judged() => RunAsync(globalOptions: null);

    private static Task RunAsync(string? globalOptions, params DiagnosticResult[] expected)
    {
        var test = new CSharpAnalyzerTest<BuildWiringAnalyzer, DefaultVerifier> { TestCode = Hub };
        Verify.Configure(test, editorConfig: null);
        if (globalOptions is not null)
            test.TestState.AnalyzerConfigFiles.Add(("/.globalconfig", "is_global = true\n" + globalOptions + "\n"));
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }
}
