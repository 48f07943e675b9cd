using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Tests.Interop;

/// <summary>
/// The front-end side of the typed model: a TypeScript client compiled with <c>tsc --strict</c> against the .d.ts the
/// fixture's build generated (tests/js/typed/generated/fixture.d.ts) and socket.io-client's types, talking to the
/// fixture's generated hubs; and a file of mistakes that must each be a compile error.
/// </summary>
public sealed class TypedClientInteropTests(SharedFixtureProcess fixture) : IClassFixture<SharedFixtureProcess>
{
    [Fact]
    public async Task A_typescript_client_compiled_against_the_generated_declarations_talks_to_the_typed_hub()
    {
        await TscAsync("typed/tsconfig.json");

        await using var script = NodeScript.Start("typed/out/fixture-client.js", fixture.Process.Url);
        var result = await SocketIoInterop.Wrap(fixture.Process, () => script.WaitForEventAsync("result", TimeSpan.FromSeconds(60)));

        Assert.True(result.GetProperty("idMatches").GetBoolean());
        var rooms = result.GetProperty("rooms").EnumerateArray().Select(r => r.GetString()).ToList();
        Assert.Contains("typed-room", rooms);
        Assert.Equal(2, rooms.Count);
        Assert.True(result.GetProperty("count").GetInt32() >= 1);
        Assert.Equal("""{"ok":true,"reply":{"echoed":{"question":42}}}""", result.GetProperty("asked").GetRawText());
        Assert.Equal("invalid_arguments", result.GetProperty("refusedCode").GetString());
        Assert.Equal("Argument 'room' of 'join' is not a valid String.", result.GetProperty("refusedMessage").GetString());
        Assert.Equal("""["a",1,{"b":true}]""", result.GetProperty("echo").GetRawText());
    }

    [Fact]
    public async Task Wrong_event_names_arguments_and_ack_types_do_not_compile()
    {
        // Each line of fixture-errors.ts carries @ts-expect-error: tsc succeeds only if every one of them is an error.
        await TscAsync("typed/tsconfig.errors.json");
    }

    [Fact]
    public async Task The_declarations_follow_the_json_options_of_the_hub_s_context_over_the_wire_and_a_filter_refusal_is_a_rejection()
    {
        await Tsc.CompileAsync("typed-options/tsconfig.json", Path.Combine("typed-pipeline", "generated", "tests.d.ts"), "TypedIoTypeScriptOutput in TypedIo.Tests.csproj");
        await using var host = await TestHost.StartAsync(
            app => app.MapTypedIo(),
            services => services.AddTypedIo(o => o.JsonSerializerOptions = new JsonSerializerOptions(Typed.WireJsonContext.Default.Options)).AddSocketHub<Typed.WireHub>().AddSocketHubFilter<Typed.WireHub, Typed.BlockedPostalCodeFilter>());

        await using var script = NodeScript.Start("typed-options/out/options-client.js", host.BaseAddress.ToString());
        var result = await script.WaitForEventAsync("result", TimeSpan.FromSeconds(60));

        Assert.Equal("""["postal_code","speed","count","weight"]""", result.GetProperty("keys").GetRawText());
        Assert.Equal("3", result.GetProperty("count").GetString());
        Assert.Equal("2.5", result.GetProperty("weight").GetString());
        Assert.Equal("Fast", result.GetProperty("speed").GetString());
        Assert.Equal("absent", result.GetProperty("note").GetString());
        Assert.Equal("""{"postal_code":"54321","speed":"Slow","note":"fragile","count":"4","weight":"1"}""", result.GetProperty("again").GetRawText());
        // A typed hub filter's refusal reaches the client as the rejection the declarations promise.
        Assert.Equal("""{"error":{"code":"blocked","message":"This postal code is blocked."}}""", result.GetProperty("blocked").GetRawText());
    }

    private static Task TscAsync(string project) =>
        Tsc.CompileAsync(project, Path.Combine("typed", "generated", "fixture.d.ts"), "TypedIoTypeScriptOutput in tests/Fixture/Fixture.csproj");
}
