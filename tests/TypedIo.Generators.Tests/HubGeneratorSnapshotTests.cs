using Microsoft.CodeAnalysis;
using TypedIo.Generators.Tests.Hubs;
using TypedIo.Generators.Tests.Infrastructure;

namespace TypedIo.Generators.Tests;

public sealed class HubGeneratorSnapshotTests
{
    [Fact]
    public void Chat_hub_source()
    {
        var result = GeneratorRunner.Run(Sources.Chat);

        Assert.Empty(result.Diagnostics);
        Assert.Empty(result.CompilationProblems);
        Snapshot.Verify(result.Source("Demo.ChatHub.g.cs"), "cs");
    }

    [Fact]
    public void Chat_hub_typescript_source()
    {
        var result = GeneratorRunner.Run(Sources.Chat);

        Snapshot.Verify(result.Source("TypedIo.TypeScript.g.cs"), "cs");
    }

    [Fact]
    public void Hub_in_global_namespace_serving_a_pattern()
    {
        var result = GeneratorRunner.Run("""
            using System.Threading.Tasks;
            using TypedIo;
            public interface IEcho { Task<string> Echo(string text); }
            public interface IEchoClient { Task Echoed(string text); }
            [SocketHub(NamespacePattern = "^/dyn-[a-z0-9]+$")]
            internal partial class EchoHub : SocketHub<IEchoClient>, IEcho, System.IDisposable
            {
                public Task<string> Echo(string text) => Task.FromResult(text);
                public void Dispose() { }
            }
            """);

        Assert.Empty(result.Diagnostics);
        Assert.Empty(result.CompilationProblems);
        Snapshot.Verify(result.Source("EchoHub.g.cs"), "cs");
    }

    [Fact]
    public void No_hub_no_output()
    {
        var result = GeneratorRunner.Run("public sealed class Plain { }");

        Assert.Empty(result.HintNames);
        Assert.Empty(result.Diagnostics);
    }
}
