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
    public void Hub_relaying_received_arguments()
    {
        // SocketArgs: every remaining argument as received, in both directions; alone in an emit without ack it is
        // passed as it is (written from the received bytes), else its values are spread into the argument array.
        var result = GeneratorRunner.Run("""
            using System.Threading;
            using System.Threading.Tasks;
            using TypedIo;
            using TypedIo.SocketIo;
            namespace Demo;
            public interface IRelay
            {
                Task Echo(SocketArgs args);
                Task Forward(string room, SocketArgs rest, CancellationToken cancellationToken);
                Task<int> Count(SocketArgs args);
            }
            public interface IRelayClient
            {
                Task Echo(SocketArgs args);
                Task Forwarded(string from, SocketArgs args);
                Task<string> Ask(SocketArgs args);
            }
            [SocketHub("/relay")]
            public sealed partial class RelayHub : SocketHub<IRelayClient>, IRelay
            {
                public Task Echo(SocketArgs args) => Clients.Caller.Echo(args);
                public Task Forward(string room, SocketArgs rest, CancellationToken cancellationToken) => Clients.Room(room).Forwarded(Context.SocketId, rest);
                public Task<int> Count(SocketArgs args) => Task.FromResult(args.Count);
            }
            """);

        Assert.Empty(result.Diagnostics);
        Assert.Empty(result.CompilationProblems);
        Snapshot.Verify(result.Source("Demo.RelayHub.g.cs"), "cs");
        Snapshot.Verify(result.Source("TypedIo.TypeScript.g.cs"), "cs", name: "Hub_relaying_received_arguments_typescript");
    }

    [Fact]
    public void No_hub_no_output()
    {
        var result = GeneratorRunner.Run("public sealed class Plain { }");

        Assert.Empty(result.HintNames);
        Assert.Empty(result.Diagnostics);
    }
}
