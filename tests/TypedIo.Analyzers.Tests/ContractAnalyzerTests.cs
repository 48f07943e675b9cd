using TypedIo.Analyzers.Tests.Infrastructure;
using Verify = TypedIo.Analyzers.Tests.Infrastructure.Verifier<TypedIo.Analyzers.ContractAnalyzer>;
using TypedIo.CodeAnalysis;

namespace TypedIo.Analyzers.Tests;

/// <summary>TIO023, TIO025, TIO026: contract mistakes the generator does not refuse.</summary>
public sealed class ContractAnalyzerTests
{
    private const string Usings = """
        #nullable enable
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using TypedIo;

        """;

    [Fact]
    public Task An_event_both_ways_with_incompatible_payloads_is_reported_on_the_hub() =>
        Verify.VerifyAsync(Usings + """
            public sealed record Score(string Player, int Points);
            public interface IGameHub { Task Score(int points); Task Chat(string text); Task Move(int x, int y); }
            public interface IGameClient { Task Score(Score score); Task Chat(string text, CancellationToken ct); Task Move(int x); }

            [SocketHub("/game")]
            public sealed partial class {|#0:GameHub|} : SocketHub<IGameClient>, IGameHub
            {
                public Task Score(int points) => Task.CompletedTask;
                public Task Chat(string text) => Task.CompletedTask;
                public Task Move(int x, int y) => Task.CompletedTask;
            }
            """,
            Verify.Diagnostic(TypedIoDiagnostics.IncompatibleDirections).WithLocation(0).WithArguments("score", "GameHub", "(int)", "(Score)"),
            Verify.Diagnostic(TypedIoDiagnostics.IncompatibleDirections).WithLocation(0).WithArguments("move", "GameHub", "(int, int)", "(int)"));

    [Fact]
    public Task Compatible_payloads_both_ways_are_fine() =>
        Verify.VerifyAsync(Usings + """
            public interface IGameHub { Task Score(int points); [Event("echo")] Task Echo(params object?[] args); Task<int> Ask(string q); }
            public interface IGameClient { Task Score(long points); [Event("echo")] Task EchoBack(string text); Task<string> Ask(string q, CancellationToken ct); }

            [SocketHub("/game")]
            public sealed partial class GameHub : SocketHub<IGameClient>, IGameHub
            {
                public Task Score(int points) => Task.CompletedTask;
                public Task Echo(params object?[] args) => Task.CompletedTask;
                public Task<int> Ask(string q) => Task.FromResult(1);
            }
            """);

    [Fact]
    public Task Received_arguments_relayed_as_they_came_take_anything() =>
        Verify.VerifyAsync(Usings + """
            public interface IRelayHub { [Event("relay")] Task Relay(TypedIo.SocketIo.SocketArgs args); Task Pass(string text, int n); }
            public interface IRelayClient { [Event("relay")] Task Relayed(string text, int n); Task Pass(string text, TypedIo.SocketIo.SocketArgs rest); }

            [SocketHub("/relay")]
            public sealed partial class RelayHub : SocketHub<IRelayClient>, IRelayHub
            {
                public Task Relay(TypedIo.SocketIo.SocketArgs args) => Task.CompletedTask;
                public Task Pass(string text, int n) => Task.CompletedTask;
            }
            """);

    [Fact]
    public Task A_tuple_ack_is_refused() =>
        Verify.VerifyAsync(Usings + """
            public interface IStatsHub { Task<(int Count, string Name)> {|#0:Stats|}(); ValueTask<(int, int)> {|#1:Pair|}(); }
            public interface IStatsClient { Task<(bool, string)> {|#2:Confirm|}(); }

            [SocketHub]
            public sealed partial class StatsHub : SocketHub<IStatsClient>, IStatsHub
            {
                public Task<(int Count, string Name)> Stats() => Task.FromResult((1, "a"));
                public ValueTask<(int, int)> Pair() => new((1, 2));
            }
            """,
            Verify.Diagnostic(TypedIoDiagnostics.TupleAck).WithLocation(0).WithArguments("IStatsHub.Stats", "(int Count, string Name)"),
            Verify.Diagnostic(TypedIoDiagnostics.TupleAck).WithLocation(1).WithArguments("IStatsHub.Pair", "(int, int)"),
            Verify.Diagnostic(TypedIoDiagnostics.TupleAck).WithLocation(2).WithArguments("IStatsClient.Confirm", "(bool, string)"));

    [Fact]
    public Task Types_json_cannot_carry_are_refused() =>
        Verify.VerifyAsync(Usings + """
            public interface IBadHub
            {
                Task Callback(Action {|#0:done|});
                Task Kind(Type {|#1:type|});
                Task Grid(int[,] {|#2:cells|});
                Task Pair((int, int) {|#3:pair|});
                Task Handle(IntPtr {|#4:handle|});
                Task Many(List<Func<int>> {|#5:factories|});
                Task<Type> {|#6:Which|}();
            }
            public interface IBadClient { Task Done(); }

            [SocketHub]
            public sealed partial class BadHub : SocketHub<IBadClient>, IBadHub
            {
                public Task Callback(Action done) => Task.CompletedTask;
                public Task Kind(Type type) => Task.CompletedTask;
                public Task Grid(int[,] cells) => Task.CompletedTask;
                public Task Pair((int, int) pair) => Task.CompletedTask;
                public Task Handle(IntPtr handle) => Task.CompletedTask;
                public Task Many(List<Func<int>> factories) => Task.CompletedTask;
                public Task<Type> Which() => Task.FromResult(typeof(int));
            }
            """,
            Verify.Diagnostic(TypedIoDiagnostics.NotSerializable).WithLocation(0).WithArguments("Parameter 'done'", "IBadHub.Callback", "System.Action", "delegates cannot be serialized"),
            Verify.Diagnostic(TypedIoDiagnostics.NotSerializable).WithLocation(1).WithArguments("Parameter 'type'", "IBadHub.Kind", "System.Type", "System.Text.Json refuses to serialize it"),
            Verify.Diagnostic(TypedIoDiagnostics.NotSerializable).WithLocation(2).WithArguments("Parameter 'cells'", "IBadHub.Grid", "int[*,*]", "System.Text.Json does not serialize multi-dimensional arrays; use an array of arrays"),
            Verify.Diagnostic(TypedIoDiagnostics.NotSerializable).WithLocation(3).WithArguments("Parameter 'pair'", "IBadHub.Pair", "(int, int)", "System.Text.Json writes a value tuple as an empty object (its elements are fields); use a record"),
            Verify.Diagnostic(TypedIoDiagnostics.NotSerializable).WithLocation(4).WithArguments("Parameter 'handle'", "IBadHub.Handle", "nint", "System.Text.Json refuses to serialize it"),
            Verify.Diagnostic(TypedIoDiagnostics.NotSerializable).WithLocation(5).WithArguments("Parameter 'factories'", "IBadHub.Many", "System.Collections.Generic.List<System.Func<int>>", "delegates cannot be serialized"),
            Verify.Diagnostic(TypedIoDiagnostics.NotSerializable).WithLocation(6).WithArguments("The ack", "IBadHub.Which", "System.Type", "System.Text.Json refuses to serialize it"));

    [Fact]
    public Task Serializable_types_and_interfaces_no_hub_uses_are_fine() =>
        Verify.VerifyAsync(Usings + """
            public sealed record Item(string Name, int[] Counts, Dictionary<string, double> Prices);
            public interface IGoodHub
            {
                Task Send(Item item, byte[] data, ReadOnlyMemory<byte> more, Guid id, DateTimeOffset at, CancellationToken ct);
                Task Raw(System.Text.Json.Nodes.JsonNode? node, params object?[] rest);
                Task<Item[]> All();
            }
            public interface IGoodClient { Task Done(); }
            public interface INotAContract { Task Callback(Action done); Task<(int, int)> Pair(); }

            [SocketHub]
            public sealed partial class GoodHub : SocketHub<IGoodClient>, IGoodHub
            {
                public Task Send(Item item, byte[] data, ReadOnlyMemory<byte> more, Guid id, DateTimeOffset at, CancellationToken ct) => Task.CompletedTask;
                public Task Raw(System.Text.Json.Nodes.JsonNode? node, params object?[] rest) => Task.CompletedTask;
                public Task<Item[]> All() => Task.FromResult(Array.Empty<Item>());
            }
            """);
}
