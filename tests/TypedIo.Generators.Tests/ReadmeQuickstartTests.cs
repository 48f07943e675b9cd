using System.Text.RegularExpressions;
using TypedIo.Generators.Tests.Infrastructure;

namespace TypedIo.Generators.Tests;

/// <summary>README's quickstart stays true to the code: its C# compiles with the generator, and the TypeScript it shows
/// uses the events and members the generated declarations have.</summary>
public sealed partial class ReadmeQuickstartTests
{
    [GeneratedRegex("```csharp\\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();

    [Fact]
    public void The_quickstart_compiles_and_its_declarations_have_what_the_front_end_uses()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryPaths.RepositoryRoot, "README.md"));
        var quickstart = readme[readme.IndexOf("## Quickstart", StringComparison.Ordinal)..];
        var code = CSharpBlock().Match(quickstart).Groups["code"].Value;
        // The Program.cs lines need a WebApplication: compile them inside a method that has one.
        var program = string.Join('\n', code.Split('\n').Where(l => l.StartsWith("builder.", StringComparison.Ordinal) || l.StartsWith("app.", StringComparison.Ordinal)));
        var types = string.Join('\n', code.Split('\n').Where(l => !l.StartsWith("builder.", StringComparison.Ordinal) && !l.StartsWith("app.", StringComparison.Ordinal)));
        var source = $$"""
            using System.Linq;
            using System.Threading.Tasks;
            using Microsoft.AspNetCore.Builder;
            using Microsoft.Extensions.DependencyInjection;
            using TypedIo;
            {{types}}
            public static class QuickstartProgram
            {
                public static void Main(WebApplicationBuilder builder, WebApplication app)
                {
            {{program}}
                }
            }
            """;

        var result = GeneratorRunner.Run(source);

        Assert.Empty(result.Diagnostics);
        Assert.Empty(result.CompilationProblems);
        var declarations = result.Source("TypedIo.TypeScript.g.cs");
        Assert.Contains("join: (room: string, callback: (result: string[] | TypedIoRejection) => void) => void;", declarations, StringComparison.Ordinal);
        Assert.Contains("send: (message: ChatMessage) => void;", declarations, StringComparison.Ordinal);
        Assert.Contains("message: (message: ChatMessage) => void;", declarations, StringComparison.Ordinal);
        Assert.Contains("export type ChatNamespace = '/chat';", declarations, StringComparison.Ordinal);
        Assert.Contains("socket.emit(\"send\", { room: \"lobby\", text: \"hi\" });", quickstart, StringComparison.Ordinal);
    }
}
