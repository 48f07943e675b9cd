using System.Collections;
using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using TypedIo.Generators.Tests.Hubs;
using TypedIo.Generators.Tests.Infrastructure;

namespace TypedIo.Generators.Tests;

/// <summary>
/// The pipeline must cache: an edit that does not touch a hub re-runs no tracked step, and no step output holds a
/// symbol, syntax node or compilation (which would keep old compilations alive and defeat caching).
/// </summary>
public sealed class IncrementalityTests
{
    private static readonly string[] TrackedSteps =
        [TrackingNames.Parse, TrackingNames.Specs, TrackingNames.Diagnostics, TrackingNames.AllSpecs];

    [Fact]
    public void Unrelated_edit_reuses_every_step()
    {
        var compilation = GeneratorRunner.Compile(Sources.Chat, "public sealed class Unrelated { }");
        var driver = GeneratorRunner.CreateDriver().RunGenerators(compilation);
        var first = driver.GetRunResult();

        var edited = compilation.ReplaceSyntaxTree(
            compilation.SyntaxTrees.Last(),
            CSharpSyntaxTree.ParseText("public sealed class Unrelated { public int Added; }", GeneratorRunner.ParseOptions, path: "Source1.cs"));
        var second = driver.RunGenerators(edited).GetRunResult();

        AssertCached(second);
        AssertNoRoslynObjects(first);
        Assert.Equal(
            first.Results.Single().GeneratedSources.Select(s => s.SourceText.ToString()),
            second.Results.Single().GeneratedSources.Select(s => s.SourceText.ToString()));
    }

    [Fact]
    public void Editing_a_hub_method_body_reemits_nothing()
    {
        var compilation = GeneratorRunner.Compile(Sources.Chat);
        var driver = GeneratorRunner.CreateDriver().RunGenerators(compilation);

        var tree = compilation.SyntaxTrees.Single();
        var changed = tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(
            tree.ToString().Replace("Task.FromResult<int?>(1)", "Task.FromResult<int?>(2)", StringComparison.Ordinal)));
        var result = driver.RunGenerators(compilation.ReplaceSyntaxTree(tree, changed)).GetRunResult();

        // The hub is parsed again (its syntax changed), but the spec is equal, so nothing downstream runs.
        var specs = result.Results.Single().TrackedSteps[TrackingNames.Specs];
        Assert.All(specs.SelectMany(s => s.Outputs), o => Assert.Contains(o.Reason, new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged }));
        var all = result.Results.Single().TrackedSteps[TrackingNames.AllSpecs];
        Assert.All(all.SelectMany(s => s.Outputs), o => Assert.Contains(o.Reason, new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged }));
    }

    [Fact]
    public void Changing_a_contract_reemits_the_hub()
    {
        var compilation = GeneratorRunner.Compile(Sources.Chat);
        var driver = GeneratorRunner.CreateDriver().RunGenerators(compilation);

        var tree = compilation.SyntaxTrees.Single();
        var changed = tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(
            tree.ToString().Replace("Task Typing(string user, bool on);", "Task Typing(string user, bool on, int count);", StringComparison.Ordinal)));
        var result = driver.RunGenerators(compilation.ReplaceSyntaxTree(tree, changed)).GetRunResult();

        var specs = result.Results.Single().TrackedSteps[TrackingNames.Specs];
        Assert.Contains(specs.SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
    }

    private static void AssertCached(GeneratorDriverRunResult result)
    {
        var steps = result.Results.Single().TrackedSteps;
        foreach (var name in TrackedSteps)
        {
            Assert.True(steps.ContainsKey(name), $"step {name} was not tracked");
            foreach (var output in steps[name].SelectMany(s => s.Outputs))
                Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"step {name} ran again: {output.Reason}");
        }
    }

    private static void AssertNoRoslynObjects(GeneratorDriverRunResult result)
    {
        foreach (var (name, runs) in result.Results.Single().TrackedSteps.Where(s => TrackedSteps.Contains(s.Key)))
        {
            foreach (var output in runs.SelectMany(r => r.Outputs))
                Walk(output.Value, name, new HashSet<object>(ReferenceEqualityComparer.Instance));
        }
    }

    private static void Walk(object? node, string step, HashSet<object> visited)
    {
        if (node is null || node is string || node.GetType().IsPrimitive || node.GetType().IsEnum || !visited.Add(node))
            return;
        Assert.False(node is Compilation or ISymbol or SyntaxNode or SemanticModel or Location,
            $"step {step} holds a {node.GetType().Name}");
        if (node is DiagnosticDescriptor)
            return; // static singletons: safe to hold
        if (node.GetType().GetProperty("IsDefault")?.GetValue(node) is true)
            return; // a default ImmutableArray holds nothing
        if (node is IEnumerable items)
        {
            foreach (var item in items)
                Walk(item, step, visited);
            return;
        }
        foreach (var field in node.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            Walk(field.GetValue(node), step, visited);
    }
}
