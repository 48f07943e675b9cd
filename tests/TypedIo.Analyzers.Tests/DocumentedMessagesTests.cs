using System.Collections.Immutable;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using TypedIo.Analyzers.Tests.Infrastructure;
using TypedIo.CodeAnalysis;
using TypedIo.Generators;

namespace TypedIo.Analyzers.Tests;

/// <summary>
/// docs/diagnostics.md shows, for every diagnostic, a line of code and the message it gets (<c>// TIO0xx: message</c>).
/// Each example below is compiled with the generator and the analyzers; the message reported must be the documented
/// one (<c>...</c> in the documentation stands for any text), and every diagnostic of the catalog must have an example.
/// </summary>
public sealed partial class DocumentedMessagesTests
{
    private const string Usings = """
        #nullable enable
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using System.Text.Json.Serialization;
        using TypedIo;
        using TypedIo.SocketIo;

        """;

    private const string ChatContracts = """
        public sealed record ChatMessage(string Room, string Text);
        public interface IChatHub { Task SendMessage(ChatMessage message); }
        public interface IChatClient { Task MessageReceived(ChatMessage message); Task Presence(int count); }
        """;

    /// <summary>One source per diagnostic id that makes the compilation report it.</summary>
    public static readonly Dictionary<string, string> Examples = new(StringComparer.Ordinal)
    {
        ["TIO001"] = ChatContracts + """
            [SocketHub("/chat")]
            public sealed class ChatHub : SocketHub<IChatClient>, IChatHub { public Task SendMessage(ChatMessage message) => Task.CompletedTask; }
            """,
        ["TIO002"] = ChatContracts + """
            [SocketHub("/chat")]
            public sealed partial class ChatHub : IChatHub { public Task SendMessage(ChatMessage message) => Task.CompletedTask; }
            """,
        ["TIO003"] = ChatContracts + """
            [SocketHub("/chat")]
            public abstract partial class ChatHub : SocketHub<IChatClient>, IChatHub { public Task SendMessage(ChatMessage message) => Task.CompletedTask; }
            """,
        ["TIO004"] = """
            public interface IRoomHub { Task Say(string text); [Event("say")] Task Shout(string text); }
            public interface IRoomClient { }
            [SocketHub("/room")]
            public sealed partial class RoomHub : SocketHub<IRoomClient>, IRoomHub
            {
                public Task Say(string text) => Task.CompletedTask;
                public Task Shout(string text) => Task.CompletedTask;
            }
            """,
        ["TIO005"] = """
            public interface ICounterHub { int Count(); }
            public interface ICounterClient { }
            [SocketHub("/counter")]
            public sealed partial class CounterHub : SocketHub<ICounterClient>, ICounterHub { public int Count() => 0; }
            """,
        ["TIO006"] = """
            public interface ILobbyHub { Task Join(CancellationToken ct, string room); }
            public interface ILobbyClient { }
            [SocketHub("/lobby")]
            public sealed partial class LobbyHub : SocketHub<ILobbyClient>, ILobbyHub { public Task Join(CancellationToken ct, string room) => Task.CompletedTask; }
            """,
        ["TIO007"] = """
            public interface IScoreHub { Task Add(ref int score); }
            public interface IScoreClient { }
            [SocketHub("/score")]
            public sealed partial class ScoreHub : SocketHub<IScoreClient>, IScoreHub { public Task Add(ref int score) => Task.CompletedTask; }
            """,
        ["TIO008"] = """
            public interface IStoreHub { Task Save<T>(T item); }
            public interface IStoreClient { }
            [SocketHub("/store")]
            public sealed partial class StoreHub : SocketHub<IStoreClient>, IStoreHub { public Task Save<T>(T item) => Task.CompletedTask; }
            """,
        ["TIO009"] = """
            public interface IPresenceHub { Task Connect(); }
            public interface IPresenceClient { }
            [SocketHub("/presence")]
            public sealed partial class PresenceHub : SocketHub<IPresenceClient>, IPresenceHub { public Task Connect() => Task.CompletedTask; }
            """,
        ["TIO010"] = """
            public interface IJobsHub { Task Start(Func<int> work); }
            public interface IJobsClient { }
            [SocketHub("/jobs")]
            public sealed partial class JobsHub : SocketHub<IJobsClient>, IJobsHub { public Task Start(Func<int> work) => Task.CompletedTask; }
            """,
        ["TIO011"] = """
            namespace Sales { public sealed record Item(string Sku); }
            namespace Stock { public sealed record Item(int Count); }
            public interface IShopHub { Task Sell(Sales.Item item); Task Count(Stock.Item item); }
            public interface IShopClient { }
            [SocketHub("/shop")]
            public sealed partial class ShopHub : SocketHub<IShopClient>, IShopHub
            {
                public Task Sell(Sales.Item item) => Task.CompletedTask;
                public Task Count(Stock.Item item) => Task.CompletedTask;
            }
            """,
        ["TIO012"] = ChatContracts + """
            [SocketHub("chat")]
            public sealed partial class ChatHub : SocketHub<IChatClient>, IChatHub { public Task SendMessage(ChatMessage message) => Task.CompletedTask; }
            """,
        ["TIO013"] = """
            public interface IClockHub { Task Tick(); int Interval { get; } }
            public interface IClockClient { }
            [SocketHub("/clock")]
            public sealed partial class ClockHub : SocketHub<IClockClient>, IClockHub { public Task Tick() => Task.CompletedTask; public int Interval => 1; }
            """,
        ["TIO014"] = """
            public interface IMapHub { }
            public interface IMapClient { Task To(string room); }
            [SocketHub("/map")]
            public sealed partial class MapHub : SocketHub<IMapClient>, IMapHub { }
            """,
        ["TIO015"] = """
            public sealed record Record(string Id, DateTimeOffset At);
            public interface IAuditHub { Task Write(Record record); }
            public interface IAuditClient { }
            [SocketHub("/audit")]
            public sealed partial class AuditHub : SocketHub<IAuditClient>, IAuditHub { public Task Write(Record record) => Task.CompletedTask; }
            """,
        ["TIO020"] = ChatContracts + """
            [SocketHub("/chat")]
            public sealed partial class ChatHub : SocketHub<IChatClient>, IChatHub
            {
                public Task SendMessage(ChatMessage message) => Task.CompletedTask;
                public override ValueTask OnConnectedAsync() { Context.Socket.On("sendMesage", e => { }); return default; }
            }
            """,
        ["TIO021"] = ChatContracts + """
            [SocketHub("/chat")]
            public sealed partial class ChatHub : SocketHub<IChatClient>, IChatHub
            {
                public Task SendMessage(ChatMessage message) => Task.CompletedTask;
                public override ValueTask OnConnectedAsync() { Context.Socket.On("messageReceived", e => { }); return default; }
            }
            """,
        ["TIO022"] = ChatContracts + """
            [SocketHub("/chat")]
            public sealed partial class ChatHub : SocketHub<IChatClient>, IChatHub { public Task SendMessage(ChatMessage message) => Task.CompletedTask; }
            public static class Announcer { public static Task Announce(SocketIoServer io) => io.Of("/chat").EmitAsync("presence", "three"); }
            """,
        ["TIO023"] = """
            public sealed record Score(string Player, int Points);
            public interface IGameHub { Task Score(int points); }
            public interface IGameClient { Task Score(Score score); }
            [SocketHub("/game")]
            public sealed partial class GameHub : SocketHub<IGameClient>, IGameHub { public Task Score(int points) => Task.CompletedTask; }
            """,
        ["TIO024"] = """
            public interface IStore { Task<int> CountAsync(); }
            public interface ICountHub { Task<int> Count(); }
            public interface ICountClient { }
            [SocketHub("/count")]
            public sealed partial class CountHub(IStore store) : SocketHub<ICountClient>, ICountHub
            {
                public Task<int> Count() => Task.FromResult(store.CountAsync().Result);
            }
            """,
        ["TIO025"] = """
            public interface IStatsHub { Task<(int Count, string Name)> Stats(); }
            public interface IStatsClient { }
            [SocketHub("/stats")]
            public sealed partial class StatsHub : SocketHub<IStatsClient>, IStatsHub { public Task<(int Count, string Name)> Stats() => Task.FromResult((1, "a")); }
            """,
        ["TIO102"] = """
            public interface IEchoHub { Task Say(string text); }
            public interface IEchoClient { Task Said(string text); }
            [SocketHub("/echo")]
            public sealed partial class EchoHub : SocketHub<IEchoClient>, IEchoHub { public Task Say(string text) => Task.CompletedTask; }
            """,
        ["TIO026"] = """
            public interface IJobsHub { Task Run(Action callback); }
            public interface IJobsClient { }
            [SocketHub("/jobs")]
            public sealed partial class JobsHub : SocketHub<IJobsClient>, IJobsHub { public Task Run(Action callback) => Task.CompletedTask; }
            """,
    };

    public static TheoryData<string> Ids => [.. CatalogIds()];

    [Theory]
    [MemberData(nameof(Ids))]
    public async Task The_documented_message_is_the_reported_one(string id)
    {
        Assert.True(Examples.TryGetValue(id, out var source), $"No example source for {id} in this test.");
        var messages = (await ReportAsync(Usings + source, MsBuildOptions.GetValueOrDefault(id))).Where(d => d.Id == id).Select(d => d.GetMessage()).ToList();
        Assert.True(messages.Count > 0, $"The example of {id} does not report it.");

        var documented = DocumentedMessages().GetValueOrDefault(id);
        Assert.True(documented is not null, $"docs/diagnostics.md has no example line '// {id}: message'; the example reports:\n  {string.Join("\n  ", messages)}");
        var pattern = new Regex("^" + string.Join(".*", documented.Split("...").Select(Regex.Escape)) + "$", RegexOptions.Singleline);
        Assert.True(messages.Any(pattern.IsMatch), $"{id} documents:\n  {documented}\nbut reports:\n  {string.Join("\n  ", messages)}");
    }

    private static IEnumerable<string> CatalogIds() =>
        typeof(HubGenerator).Assembly.GetType("TypedIo.CodeAnalysis.TypedIoDiagnostics", throwOnError: true)!
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => f.GetValue(null))
            .OfType<DiagnosticDescriptor>()
            .Select(d => d.Id)
            .Order(StringComparer.Ordinal);

    /// <summary>Per id, the message of the first <c>// TIO0xx: message</c> line of that id in docs/diagnostics.md.</summary>
    private static Dictionary<string, string> DocumentedMessages()
    {
        var path = Path.Combine(TypedIo.Generators.Tests.Infrastructure.RepositoryPaths.RepositoryRoot, "docs", "diagnostics.md");
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match match in ExampleLine().Matches(File.ReadAllText(path)))
            result.TryAdd(match.Groups["id"].Value, match.Groups["message"].Value.Trim());
        return result;
    }

    [GeneratedRegex(@"// (?<id>TIO\d{3}): (?<message>[^\n]+)")]
    private static partial Regex ExampleLine();

    /// <summary>The MSBuild properties an example is compiled with (as the build passes them to analyzers); none for most.</summary>
    private static readonly Dictionary<string, Dictionary<string, string>> MsBuildOptions = new(StringComparer.Ordinal)
    {
        // A hub built by MSBuild (a target framework is known) without TypedIo.targets (no TypedIoTargetsImported).
        ["TIO102"] = new(StringComparer.Ordinal) { ["build_property.TargetFramework"] = "net10.0" },
    };

    private static async Task<ImmutableArray<Diagnostic>> ReportAsync(string source, Dictionary<string, string>? msbuildOptions = null)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Preview);
        var compilation = CSharpCompilation.Create("Example", [CSharpSyntaxTree.ParseText(source, parse, path: "Example.cs")],
            TestReferences.All, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        CSharpGeneratorDriver.Create([new HubGenerator().AsSourceGenerator()], parseOptions: parse)
            .RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        var analyzers = typeof(ContractAnalyzer).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(DiagnosticAnalyzer)) && !t.IsAbstract)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .ToImmutableArray();
        var options = new AnalyzerOptions([], new GlobalOptionsProvider(msbuildOptions ?? []));
        var analyzerDiagnostics = await output.WithAnalyzers(analyzers, options).GetAnalyzerDiagnosticsAsync();
        return generatorDiagnostics.AddRange(analyzerDiagnostics);
    }

    /// <summary>Global analyzer options holding the given MSBuild properties.</summary>
    private sealed class GlobalOptionsProvider(Dictionary<string, string> values) : AnalyzerConfigOptionsProvider
    {
        private readonly DictionaryOptions _global = new(values);
        private static readonly DictionaryOptions None = new([]);

        public override AnalyzerConfigOptions GlobalOptions => _global;

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => None;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => None;
    }

    private sealed class DictionaryOptions(Dictionary<string, string> values) : AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) =>
            values.TryGetValue(key, out value);
    }
}
