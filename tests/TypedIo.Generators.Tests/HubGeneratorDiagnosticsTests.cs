using TypedIo.Generators.Tests.Infrastructure;

namespace TypedIo.Generators.Tests;

/// <summary>Contracts and hubs the generator cannot serve: each gets its documented diagnostic and no code.</summary>
public sealed class HubGeneratorDiagnosticsTests
{
    private const string Usings = "using System.Threading; using System.Threading.Tasks; using System.Text.Json.Nodes; using TypedIo;\n";
    private const string Client = "public interface IClient { Task Said(string text); }\n";

    [Theory]
    [InlineData("TIO001", "[SocketHub] public sealed class H : SocketHub<IClient>, IHub { public Task Say(string t) => Task.CompletedTask; } public interface IHub { Task Say(string t); }")]
    [InlineData("TIO002", "[SocketHub] public sealed partial class H : IHub { public Task Say(string t) => Task.CompletedTask; } public interface IHub { Task Say(string t); }")]
    [InlineData("TIO002", "public sealed class NotAnInterface { } public abstract class Base : SocketHub<NotAnInterface> { } [SocketHub] public sealed partial class H : Base { }")]
    [InlineData("TIO003", "public static partial class Outer { [SocketHub] public sealed partial class H : SocketHub<IClient> { } }")]
    [InlineData("TIO003", "[SocketHub] public sealed partial class H<T> : SocketHub<IClient> { }")]
    [InlineData("TIO004", "public interface IHub { Task Say(string t); [Event(\"say\")] Task Shout(string t); } [SocketHub] public sealed partial class H : SocketHub<IClient>, IHub { public Task Say(string t) => Task.CompletedTask; public Task Shout(string t) => Task.CompletedTask; }")]
    [InlineData("TIO005", "public interface IHub { void Say(string t); } [SocketHub] public sealed partial class H : SocketHub<IClient>, IHub { public void Say(string t) { } }")]
    [InlineData("TIO005", "public interface IHub { string Say(string t); } [SocketHub] public sealed partial class H : SocketHub<IClient>, IHub { public string Say(string t) => t; }")]
    [InlineData("TIO006", "public interface IHub { Task Say(CancellationToken c, string t); } [SocketHub] public sealed partial class H : SocketHub<IClient>, IHub { public Task Say(CancellationToken c, string t) => Task.CompletedTask; }")]
    [InlineData("TIO007", "public interface IHub { Task Say(ref string t); } [SocketHub] public sealed partial class H : SocketHub<IClient>, IHub { public Task Say(ref string t) => Task.CompletedTask; }")]
    [InlineData("TIO007", "public interface IHub { Task Say(params string[] t); } [SocketHub] public sealed partial class H : SocketHub<IClient>, IHub { public Task Say(params string[] t) => Task.CompletedTask; }")]
    [InlineData("TIO007", "public interface IHub { Task Say(TypedIo.SocketIo.SocketArgs a, string t); } [SocketHub] public sealed partial class H : SocketHub<IClient>, IHub { public Task Say(TypedIo.SocketIo.SocketArgs a, string t) => Task.CompletedTask; }")]
    [InlineData("TIO008", "public interface IHub { Task Say<T>(T t); } [SocketHub] public sealed partial class H : SocketHub<IClient>, IHub { public Task Say<T>(T t) => Task.CompletedTask; }")]
    [InlineData("TIO009", "public interface IHub { [Event(\"disconnect\")] Task Say(string t); } [SocketHub] public sealed partial class H : SocketHub<IClient>, IHub { public Task Say(string t) => Task.CompletedTask; }")]
    [InlineData("TIO009", "public interface IHub { [Event(\" \")] Task Say(string t); } [SocketHub] public sealed partial class H : SocketHub<IClient>, IHub { public Task Say(string t) => Task.CompletedTask; }")]
    [InlineData("TIO009", "public interface IHub { Task Connect(); } [SocketHub] public sealed partial class H : SocketHub<IClient>, IHub { public Task Connect() => Task.CompletedTask; }")]
    [InlineData("TIO012", "[SocketHub(\"chat\")] public sealed partial class H : SocketHub<IClient> { }")]
    [InlineData("TIO012", "[SocketHub(\"/a,b\")] public sealed partial class H : SocketHub<IClient> { }")]
    [InlineData("TIO012", "[SocketHub(NamespacePattern = \"([\")] public sealed partial class H : SocketHub<IClient> { }")]
    [InlineData("TIO013", "public interface IHub { string Name { get; } } [SocketHub] public sealed partial class H : SocketHub<IClient>, IHub { public string Name => \"\"; }")]
    [InlineData("TIO014", "public interface IC { Task To(string room); } [SocketHub] public sealed partial class H : SocketHub<IC> { }")]
    [InlineData("TIO014", "public interface IC { Task<int> WithTimeout(); } [SocketHub] public sealed partial class H : SocketHub<IC> { }")]
    public void Reports_and_emits_nothing(string id, string source)
    {
        var result = GeneratorRunner.Run(Usings + Client + source);

        var diagnostic = Assert.Single(result.Diagnostics, d => d.Id == id);
        Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.False(diagnostic.Location == Microsoft.CodeAnalysis.Location.None, "the diagnostic points at the source");
        Assert.DoesNotContain(result.HintNames, h => h.EndsWith("H.g.cs", StringComparison.Ordinal));
    }

    [Fact]
    public void Null_checks_are_written_for_collections_at_any_depth_and_compile_for_recursive_and_awkward_types()
    {
        var result = GeneratorRunner.Run(Usings + "using System.Collections.Generic;\n" + """
            public sealed class Tree { public string Name { get; set; } = ""; public List<Tree> Children { get; set; } = []; public Tree? Parent { get; set; } public int[] @class { get; set; } = []; }
            public struct Cell { public List<string> Notes { get; set; } }
            public sealed record Grid(Cell[] Cells, IReadOnlyDictionary<string, List<Cell>> Named, string?[] Optional, List<int?> Numbers);
            public sealed record Plain(string Name, List<string?> Maybe, int[] Numbers);
            public interface IClient { }
            public interface IHub { Task Plant(Tree tree, Grid? grid, Plain plain, Dictionary<string, string> labels, List<Tree?> forest); }
            [SocketHub] public sealed partial class H : SocketHub<IClient>, IHub
            {
                public Task Plant(Tree tree, Grid? grid, Plain plain, Dictionary<string, string> labels, List<Tree?> forest) => Task.CompletedTask;
            }
            """);

        Assert.Empty(result.Diagnostics);
        Assert.Empty(result.CompilationProblems);
        var source = result.Source("H.g.cs");
        Assert.Contains("HubParameter.Of<global::Tree>(\"tree\", allowsNull: false, findNull:", source, StringComparison.Ordinal);
        Assert.Contains("HubParameter.Of<global::Grid?>(\"grid\", allowsNull: true, findNull:", source, StringComparison.Ordinal);
        Assert.Contains("HubParameter.Of<global::Plain>(\"plain\", allowsNull: false)", source, StringComparison.Ordinal); // nothing forbids null inside
        Assert.Contains("HubParameter.Of<global::System.Collections.Generic.Dictionary<string, string>>(\"labels\", allowsNull: false, findNull:", source, StringComparison.Ordinal);
        Assert.Contains("HubParameter.Of<global::System.Collections.Generic.List<global::Tree?>>(\"forest\", allowsNull: false, findNull:", source, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_names_are_fine_across_directions()
    {
        var result = GeneratorRunner.Run(Usings + """
            public interface IClient { Task Say(string text); }
            public interface IHub { Task Say(string text); }
            [SocketHub] public sealed partial class H : SocketHub<IClient>, IHub { public Task Say(string t) => Clients.Others.Say(t); }
            """);

        Assert.Empty(result.Diagnostics);
        Assert.Empty(result.CompilationProblems);
    }

    [Fact]
    public void Every_descriptor_has_a_help_link_into_the_docs()
    {
        var descriptors = typeof(HubGenerator).Assembly.GetType("TypedIo.CodeAnalysis.TypedIoDiagnostics")!
            .GetFields().Select(f => f.GetValue(null)).OfType<Microsoft.CodeAnalysis.DiagnosticDescriptor>().ToList();

        Assert.NotEmpty(descriptors);
        Assert.All(descriptors, d => Assert.EndsWith("docs/diagnostics.md#" + d.Id.ToLowerInvariant(), d.HelpLinkUri, StringComparison.Ordinal));
        Assert.Equal(descriptors.Count, descriptors.Select(d => d.Id).Distinct().Count());
    }
}
