using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace TypedIo.Generators.Tests.Infrastructure;

/// <summary>Compiles C# sources against the runtime and runs the hub generator over them.</summary>
public static class GeneratorRunner
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator).ToList();
        paths.Add(typeof(TypedIo.SocketHub).Assembly.Location);
        return [.. paths.Distinct().Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))];
    });

    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Preview);

    public static CSharpCompilation Compile(params string[] sources) =>
        CSharpCompilation.Create(
            "TestApp",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"Source{i}.cs")),
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create(
            [new HubGenerator().AsSourceGenerator()],
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator; returns the output compilation and the generator's diagnostics.</summary>
    public static GeneratorResult Run(params string[] sources)
    {
        var compilation = Compile(sources);
        var driver = CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        return new GeneratorResult(driver.GetRunResult(), output, diagnostics);
    }
}

public sealed record GeneratorResult(GeneratorDriverRunResult RunResult, Compilation Output, ImmutableArray<Diagnostic> Diagnostics)
{
    /// <summary>The generated source with the given hint name.</summary>
    public string Source(string hintName) =>
        RunResult.Results.SelectMany(r => r.GeneratedSources).Single(s => s.HintName == hintName).SourceText.ToString();

    public IEnumerable<string> HintNames => RunResult.Results.SelectMany(r => r.GeneratedSources).Select(s => s.HintName);

    /// <summary>Errors and warnings of the compilation with the generated code.</summary>
    public IReadOnlyList<Diagnostic> CompilationProblems =>
        [.. Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning)];
}
