using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using TypedIo.Generators.Tests.Infrastructure;

namespace TypedIo.Generators.Tests;

/// <summary>Contracts may live in another assembly (a shared contracts project): the generator reads them from metadata.</summary>
public sealed class ReferencedContractsTests
{
    [Fact]
    public void A_hub_implements_contracts_from_a_referenced_assembly()
    {
        var contracts = GeneratorRunner.Compile("""
            using System.Threading.Tasks;
            using TypedIo;
            namespace Shared;
            public sealed record Order(string Id, decimal Total);
            public interface IOrders { Task<Order> Place(string id); [Event("cancel-order")] Task Cancel(string id); }
            public interface IOrderClient { Task Placed(Order order); }
            """);
        using var image = new MemoryStream();
        var emitted = contracts.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));

        var app = GeneratorRunner.Compile("""
            using System.Threading.Tasks;
            using TypedIo;
            using Shared;
            namespace App;
            [SocketHub("/orders")]
            public sealed partial class OrderHub : SocketHub<IOrderClient>, IOrders
            {
                public Task<Order> Place(string id) => Task.FromResult(new Order(id, 1m));
                public Task Cancel(string id) => Clients.All.Placed(new Order(id, 0m));
            }
            """).AddReferences(MetadataReference.CreateFromImage(image.ToArray()));
        GeneratorRunner.CreateDriver().RunGeneratorsAndUpdateCompilation(app, out var output, out var diagnostics);

        Assert.Empty(diagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        var typeScript = output.SyntaxTrees.Single(t => t.FilePath.EndsWith("TypedIo.TypeScript.g.cs", StringComparison.Ordinal)).ToString();
        Assert.Contains("place: (id: string, callback: (result: Order | TypedIoRejection) => void) => void;", typeScript, StringComparison.Ordinal);
        Assert.Contains("'cancel-order': (id: string) => void;", typeScript, StringComparison.Ordinal);
        Assert.Contains("total: number;", typeScript, StringComparison.Ordinal);
    }
}
