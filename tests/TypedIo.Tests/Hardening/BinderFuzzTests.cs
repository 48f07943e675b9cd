using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TypedIo.Tests.EngineIo;
using TypedIo.Tests.Infrastructure;
using TypedIo.Tests.SocketIo;

namespace TypedIo.Tests.Hardening;

/// <summary>
/// Structured fuzzing of the typed argument binder through the public path: a real server with a generated hub
/// (<see cref="BinderFuzzHub"/>), a raw WebSocket client, the real decoder. Each input is a hub event whose arguments
/// start valid and are mutated (wrong types, huge numbers, deep nesting, nulls in non-nullable members, lone surrogate
/// escapes, missing and extra arguments, binary attachments where JSON is expected). Invariant: every input ends with
/// the hub method called with values its declared types allow, or the client answered with <c>invalid_arguments</c>
/// (ack, or <c>typedio:error</c> without one) and a warning logged; never an error log, never silence, never a closed
/// connection. Deterministic: input <i>i</i> is generated from seed <i>i</i>. <c>TYPEDIO_BINDER_FUZZ_COUNT</c> sets the
/// number of inputs (default 50,000; <c>benchmarks/fuzz.sh</c> runs long campaigns).
/// </summary>
public sealed partial class BinderFuzzTests
{
    private const string Nsp = "/binder-fuzz";
    private const int Window = 128;

    private static readonly string[] Strings =
    [
        "\"\\ud800\"", "\"a\\udc00b\"", "\"\\udfff\\ud800\"", "\"\\ud83d\\ude00\"", "\"\"", "\"\\u0000\"", "\"é\\n\\t\\\"\"",
        "\"2024-13-45T25:61:00Z\"", "\"2024-01-02T03:04:05Z\"", "\"2024-01-02T03:04:05.123+01:00\"", "\"not-a-guid\"",
        "\"3f2504e0-4f89-11d3-9a0c-0305e82c3301\"", "\"Red\"", "\"green\"", "\"AQID\"", "\"12\"", "\"1e400\"", "\"true\"",
        "\"null\"", "\"" + new string('x', 5000) + "\"",
    ];

    private static readonly string[] Numbers =
    [
        "0", "-1", "1", "2147483647", "2147483648", "-2147483649", "9223372036854775807", "9223372036854775808",
        "-9223372036854775809", "1e400", "-1e400", "1.5", "-0", "1e-400", "4.9e-324", "1.7976931348623157e308",
        "79228162514264337593543950335", "79228162514264337593543950336", "12345678901234567890123456789012345678901234567890",
        "0.1e1", "3",
    ];

    private static readonly string[] Literals = ["true", "false", "null"];

    /// <summary>The wire names of the hub's events, each with its valid arguments.</summary>
    private static readonly (string Event, Func<Random, Input, string>[] Args)[] Methods =
    [
        ("text", [Str]),
        ("numbers", [Int, Long, Double, Decimal]),
        ("flags", [Bool, (r, i) => r.Next(3) == 0 ? "null" : Bool(r, i), Enum]),
        ("item", [Item]),
        ("lists", [IntList, StrDict, StrArray]),
        ("bytes", [(r, i) => i.Placeholder()]),
        ("ids", [(r, _) => $"\"{new Guid(r.Next(), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10)}\"", (r, _) => $"\"{new DateTime(2000 + r.Next(100), 1 + r.Next(12), 1 + r.Next(28), 0, 0, 0, DateTimeKind.Utc):O}\""]),
        ("optional", [(r, i) => r.Next(3) == 0 ? "null" : Str(r, i), (r, i) => r.Next(3) == 0 ? "null" : Int(r, i), (r, i) => r.Next(3) == 0 ? "null" : Item(r, i)]),
        ("raw", [Hostile, Hostile, Hostile]),
        ("fire", [Str, Int]),
    ];

    [Fact]
    public async Task Mutated_arguments_reach_the_hub_valid_or_are_answered_with_invalid_arguments()
    {
        var count = int.TryParse(Environment.GetEnvironmentVariable("TYPEDIO_BINDER_FUZZ_COUNT"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 50_000;
        var start = int.TryParse(Environment.GetEnvironmentVariable("TYPEDIO_FUZZ_START"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s : 0;
        var probe = new BinderFuzzProbe();
        var log = new CountingLog();
        await using var host = await TestHost.StartAsync(
            app => app.MapTypedIo(),
            services =>
            {
                services.AddTypedIo(o => o.EngineIo.PingInterval = TimeSpan.FromMinutes(10)); // no ping to answer mid-run
                services.AddSingleton(probe);
                services.AddSingleton<ILoggerProvider>(log);
                services.AddSocketHub<BinderFuzzHub>();
            });
        var (client, _) = await SioClient.ConnectAndJoinAsync(host, Nsp);
        using (client)
        {
            var pending = new ConcurrentDictionary<long, (int Seed, string Text)>();
            var window = new SemaphoreSlim(Window);
            var outcome = new Outcome();
            var reader = ReadAsync(client, pending, window, outcome);
            var noAck = 0;
            for (var i = start; i < start + count; i++)
            {
                var input = Generate(new Random(i), i);
                if (input.AckId is { } id)
                {
                    Assert.True(await window.WaitAsync(SioTest.Timeout), $"no answer to {Window} inputs before {i}: {outcome.Failure}");
                    pending[id] = (i, input.Text);
                }
                else
                {
                    noAck++;
                }
                try
                {
                    await client.SendAsync(input.Text);
                    foreach (var attachment in input.Attachments)
                        await client.SendBinaryAsync(attachment);
                }
                catch (Exception ex) when (ex is System.Net.WebSockets.WebSocketException or IOException)
                {
                    Assert.Fail($"the connection failed at input {i} ({input.Text}): {string.Join(" / ", log.Errors)} {ex.Message}");
                }
                if (reader.IsCompleted)
                    break;
            }

            // Every ack answered, every event without ack either handled or refused with typedio:error.
            await EioTestUtil.WaitUntilAsync(() => reader.IsCompleted || (pending.IsEmpty && probe.Calls - outcome.Ok + outcome.ErrorEvents == noAck),
                "every input to be answered or handled");
            Assert.False(reader.IsCompleted, outcome.Failure ?? "the reader stopped");
            Assert.Null(outcome.Failure);
            Assert.Empty(probe.Violations);
            Assert.Equal(probe.Calls - outcome.Ok + outcome.ErrorEvents, noAck);
            await EioTestUtil.WaitUntilAsync(() => log.InvalidArguments == outcome.Refused + outcome.ErrorEvents, "every refusal to be logged");
            Assert.Empty(log.Errors);
            // The socket still works.
            await client.SendAsync($"42{Nsp},1[\"text\",\"still here\"]");
            await EioTestUtil.WaitUntilAsync(() => outcome.Ok + outcome.Refused == count - noAck + 1, "the last answer");

            Console.WriteLine($"binder fuzz: {count} inputs from {start}, 0 failures; {outcome.Ok} handled with an ack, {outcome.Refused} refused with an ack, {probe.Calls - outcome.Ok} handled and {outcome.ErrorEvents} refused without one");
        }
    }

    [Theory]
    [InlineData("42/binder-fuzz,7[\"text\",\"\\ud800\"]", "invalid_arguments")] // System.Text.Json threw InvalidOperationException: no answer
    [InlineData("42/binder-fuzz,7[\"item\",{\"name\":\"\\udc00\",\"count\":1,\"tags\":[],\"color\":0}]", "invalid_arguments")]
    [InlineData("42/binder-fuzz,7[\"raw\",1,{\"\\udc00\":null}]", "invalid_arguments")] // a JsonNode cannot hold that name: the handler threw, no answer
    [InlineData("42/binder-fuzz,7[\"fire\",\"x\",1]", "[]")] // a method without result asked for an ack: answered empty once it ran
    public async Task Inputs_the_fuzzer_found_are_answered(string text, string expected)
    {
        var probe = new BinderFuzzProbe();
        await using var host = await TestHost.StartAsync(
            app => app.MapTypedIo(),
            services => services.AddTypedIo().AddSingleton(probe).AddSocketHub<BinderFuzzHub>());
        var (client, _) = await SioClient.ConnectAndJoinAsync(host, Nsp);
        using (client)
        {
            await client.SendAsync(text);
            var reply = await client.ReceiveAsync();
            Assert.StartsWith($"43{Nsp},7", reply, StringComparison.Ordinal);
            Assert.Contains(expected, reply, StringComparison.Ordinal);
            Assert.Empty(probe.Violations);
        }
    }

    private static async Task ReadAsync(SioClient client, ConcurrentDictionary<long, (int Seed, string Text)> pending, SemaphoreSlim window, Outcome outcome)
    {
        var ackPrefix = $"43{Nsp},";
        var eventPrefix = $"42{Nsp},";
        while (outcome.Failure is null)
        {
            var frame = await client.ReceiveFrameAsync(TimeSpan.FromMinutes(10));
            if (frame.IsClose)
            {
                outcome.Failure = "the server closed the connection; last inputs: " + string.Join(" | ", pending.Values.Select(p => $"{p.Seed}: {p.Text}"));
                return;
            }
            var text = frame.Text;
            if (text.StartsWith(ackPrefix, StringComparison.Ordinal))
            {
                var open = text.IndexOf('[', StringComparison.Ordinal);
                var id = long.Parse(text.AsSpan(ackPrefix.Length, open - ackPrefix.Length), CultureInfo.InvariantCulture);
                if (id == 1)
                {
                    outcome.Ok++; // the final "still here"
                    continue;
                }
                if (!pending.TryRemove(id, out var input))
                {
                    outcome.Failure = $"an answer to ack {id}, which was not pending: {text}";
                    return;
                }
                var body = text[open..];
                if (body == "[\"ok\"]" || (body == "[]" && input.Text.Contains("[\"fire\"", StringComparison.Ordinal)))
                    outcome.Ok++;
                else if (body.StartsWith("[{\"error\":{\"code\":\"invalid_arguments\"", StringComparison.Ordinal))
                    outcome.Refused++;
                else
                {
                    outcome.Failure = $"input {input.Seed} ({input.Text}) was answered {body}";
                    return;
                }
                window.Release();
            }
            else if (text.StartsWith(eventPrefix + "[\"typedio:error\",", StringComparison.Ordinal)
                && text.Contains("\"code\":\"invalid_arguments\"", StringComparison.Ordinal))
            {
                outcome.ErrorEvents++;
            }
            else
            {
                outcome.Failure = "unexpected packet: " + text;
                return;
            }
        }
    }

    private static Input Generate(Random random, int seed)
    {
        var input = new Input();
        var (name, makers) = Methods[random.Next(Methods.Length)];
        var args = makers.Select(make => make(random, input)).ToList();
        var mutations = random.Next(5) == 0 ? 0 : random.Next(1, 4);
        var nested = false;
        for (var m = 0; m < mutations; m++)
        {
            var at = args.Count == 0 ? 0 : random.Next(args.Count);
            switch (random.Next(8))
            {
                case 0 when args.Count > 0:
                    args[at] = Hostile(random, input);
                    break;
                case 1 when args.Count > 0:
                    args.RemoveAt(at);
                    break;
                case 2:
                    args.Insert(random.Next(args.Count + 1), Hostile(random, input));
                    break;
                case 3 when args.Count > 0:
                    args[at] = "null";
                    break;
                case 4 when args.Count > 0:
                    args[at] = input.Placeholder();
                    break;
                case 5 when args.Count > 0 && !nested:
                    nested = true;
                    // Deep, but inside the parser's limit (64 with the arguments array): the binder sees it.
                    var depth = random.Next(1, 50);
                    args[at] = random.Next(2) == 0
                        ? new string('[', depth) + args[at] + new string(']', depth)
                        : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + args[at] + new string('}', depth);
                    break;
                case 6 when args.Count > 0:
                    args[at] = Strings[random.Next(4)];
                    break;
                default:
                    args.Add(Item(random, input));
                    break;
            }
        }

        input.AckId = random.Next(5) == 0 ? null : 1_000L + seed; // 1 is the final check's
        var ack = input.AckId?.ToString(CultureInfo.InvariantCulture);
        var body = input.Renumber($"[\"{name}\"{string.Concat(args.Select(a => "," + a))}]");
        input.Text = input.Attachments.Count == 0
            ? $"42{Nsp},{ack}{body}"
            : $"45{input.Attachments.Count}-{Nsp},{ack}{body}";
        return input;
    }

    private static string Hostile(Random random, Input input) => Hostile(random, input, 0);

    private static string Hostile(Random random, Input input, int depth) => random.Next(depth < 3 ? 9 : 5) switch
    {
        0 => Strings[random.Next(Strings.Length)],
        1 => Numbers[random.Next(Numbers.Length)],
        2 => Literals[random.Next(Literals.Length)],
        3 => Item(random, input),
        4 => input.Placeholder(),
        5 => "[" + string.Join(",", Enumerable.Range(0, random.Next(4)).Select(_ => Hostile(random, input, depth + 1))) + "]",
        6 => "{" + string.Join(",", Enumerable.Range(0, random.Next(4)).Select(_ => $"{Key(random)}:{Hostile(random, input, depth + 1)}")) + "}",
        7 => StrDict(random, input),
        _ => IntList(random, input),
    };

    private static string Key(Random random) => random.Next(10) switch
    {
        0 => "\"\\ud800\"",
        1 => "\"Name\"",
        2 => "\"\"",
        _ => $"\"{(char)('a' + random.Next(26))}\"",
    };

    /// <summary>A <see cref="FuzzItem"/>, sometimes with a member missing, null, of the wrong type, or an extra one.</summary>
    private static string Item(Random random, Input input)
    {
        var members = new List<(string Key, string Value)>
        {
            ("name", Str(random, input)),
            ("count", Int(random, input)),
            ("tags", StrArray(random, input)),
            ("color", Enum(random, input)),
        };
        if (random.Next(2) == 0)
            members.Add(("at", random.Next(4) == 0 ? "null" : "\"2024-01-02T03:04:05+02:00\""));
        if (random.Next(3) == 0)
        {
            var at = random.Next(members.Count);
            switch (random.Next(4))
            {
                case 0:
                    members.RemoveAt(at);
                    break;
                case 1:
                    members[at] = (members[at].Key, "null");
                    break;
                case 2:
                    members[at] = (members[at].Key, Hostile(random, input, 2));
                    break;
                default:
                    members.Add((random.Next(2) == 0 ? members[at].Key : "extra", Hostile(random, input, 2)));
                    break;
            }
        }
        return "{" + string.Join(",", members.Select(m => $"\"{m.Key}\":{m.Value}")) + "}";
    }

    private static string Str(Random random, Input input) => random.Next(4) == 0 ? Strings[random.Next(Strings.Length)] : $"\"s{random.Next(1000)}\"";

    private static string Int(Random random, Input input) => random.Next(4) == 0 ? Numbers[random.Next(Numbers.Length)] : random.Next(-1000, 1000).ToString(CultureInfo.InvariantCulture);

    private static string Long(Random random, Input input) => random.NextInt64().ToString(CultureInfo.InvariantCulture);

    private static string Double(Random random, Input input) => (random.NextDouble() * 1e6).ToString("R", CultureInfo.InvariantCulture);

    private static string Decimal(Random random, Input input) => (random.Next(100000) / 100m).ToString(CultureInfo.InvariantCulture);

    private static string Bool(Random random, Input input) => random.Next(2) == 0 ? "true" : "false";

    private static string Enum(Random random, Input input) => random.Next(6) switch
    {
        0 => "\"Red\"",
        1 => "7",
        _ => random.Next(2).ToString(CultureInfo.InvariantCulture),
    };

    private static string IntList(Random random, Input input) =>
        "[" + string.Join(",", Enumerable.Range(0, random.Next(5)).Select(_ => random.Next(8) == 0 ? "null" : Int(random, input))) + "]";

    private static string StrArray(Random random, Input input) =>
        "[" + string.Join(",", Enumerable.Range(0, random.Next(4)).Select(_ => random.Next(8) == 0 ? "null" : Str(random, input))) + "]";

    private static string StrDict(Random random, Input input) =>
        "{" + string.Join(",", Enumerable.Range(0, random.Next(4)).Select(i => $"{(random.Next(6) == 0 ? "\"\\udc00\"" : $"\"k{i}\"")}:{(random.Next(8) == 0 ? "null" : Str(random, input))}")) + "}";

    private sealed partial class Input
    {
        [System.Text.RegularExpressions.GeneratedRegex("""\{"_placeholder":true,"num":\d+\}""")]
        private static partial System.Text.RegularExpressions.Regex PlaceholderPattern();

        public List<byte[]> Attachments { get; } = [];

        public long? AckId { get; set; }

        public string Text { get; set; } = "";

        /// <summary>A binary attachment in place of a JSON value.</summary>
        public string Placeholder()
        {
            Attachments.Add([(byte)Attachments.Count, 0xFF, 0x00]);
            return $"{{\"_placeholder\":true,\"num\":{Attachments.Count - 1}}}";
        }

        /// <summary>
        /// Numbers the placeholders left in <paramref name="body"/> 0, 1, ... (mutations may have dropped some) and keeps
        /// one attachment for each: the packet stays valid, so the binder is what sees it.
        /// </summary>
        public string Renumber(string body)
        {
            var next = 0;
            var text = PlaceholderPattern().Replace(body, _ => $"{{\"_placeholder\":true,\"num\":{next++}}}");
            Attachments.RemoveRange(next, Attachments.Count - next);
            return text;
        }
    }

    private sealed class Outcome
    {
        public volatile int Ok;
        public volatile int Refused;
        public volatile int ErrorEvents;
        public volatile string? Failure;
    }

    /// <summary>Counts the binder's refusals (warning 300) and keeps every other warning or error.</summary>
    private sealed class CountingLog : ILoggerProvider
    {
        private int _invalidArguments;

        public int InvalidArguments => Volatile.Read(ref _invalidArguments);

        public ConcurrentQueue<string> Errors { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(CountingLog owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning && category.StartsWith("TypedIo", StringComparison.Ordinal);

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (!IsEnabled(logLevel))
                    return;
                if (eventId.Id == 300)
                    Interlocked.Increment(ref owner._invalidArguments);
                else
                    owner.Errors.Enqueue($"{eventId.Id}: {formatter(state, exception)} {exception}");
            }
        }
    }
}
