using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using TypedIo.Tests.Infrastructure;
using TypedIo.Tests.SocketIo;

namespace TypedIo.Tests.Typed;

/// <summary>What the filters saw, in order.</summary>
internal sealed class FilterLog
{
    public Recorder<string> Entries { get; } = new();
}

internal abstract class LoggingFilter(FilterLog log, string name) : ISocketHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(SocketHubInvocationContext context, SocketHubFilterNext next)
    {
        var arguments = string.Join(",", context.Arguments.Select(a => a switch { null => "null", Note n => $"Note({n.Text})", _ => a.ToString() }));
        log.Entries.Add($"{name}>{context.Hub.GetType().Name}.{context.MethodName}/{context.EventName}({arguments})");
        var result = await next(context);
        log.Entries.Add($"{name}<{result}");
        return result;
    }
}

internal sealed class OuterFilter(FilterLog log) : LoggingFilter(log, "outer");

internal sealed class InnerFilter(FilterLog log) : LoggingFilter(log, "inner");

internal sealed class NotesOnlyFilter(FilterLog log) : LoggingFilter(log, "notes");

internal sealed class TeamsOnlyFilter(FilterLog log) : LoggingFilter(log, "teams");

/// <summary>Refuses set-flag(false) and maybe("stop"); maps the hub's unexpected exceptions to a code of its own.</summary>
internal sealed class PolicyFilter : ISocketHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(SocketHubInvocationContext context, SocketHubFilterNext next)
    {
        if (context.EventName == "set-flag" && context.Arguments[0] is false)
            return context.Reject(new SocketRejection("rate_limited", "Slow down."));
        if (context.MethodName == "Maybe" && context.Arguments[0] is "stop")
            return context.Reject(new SocketRejection("stopped", "Stopped by a filter."));
        try
        {
            return await next(context);
        }
        catch (InvalidOperationException ex)
        {
            throw new SocketHubException("mapped", "Mapped: " + ex.GetType().Name);
        }
    }
}

public sealed class HubFilterTests
{
    private static Task<TestHost> StartAsync(HubProbe probe, FilterLog log) =>
        TestHost.StartAsync(
            app => app.MapTypedIo(),
            services =>
            {
                services.AddTypedIo();
                services.AddSingleton(probe);
                services.AddSingleton(log);
                services.AddScoped<SocketScopedCounter>();
                services.AddSocketHub<NoteHub>().AddSocketHub<TeamHub>();
                services.AddSocketHubFilter<NoteHub, NotesOnlyFilter>();
                services.AddSocketHubFilter<OuterFilter>();
                services.AddSocketHubFilter<TeamHub, TeamsOnlyFilter>();
                services.AddSocketHubFilter<InnerFilter>();
                services.AddSocketHubFilter<PolicyFilter>();
            });

    [Fact]
    public async Task Filters_run_in_order_around_the_method_and_see_the_typed_arguments()
    {
        var probe = new HubProbe();
        var log = new FilterLog();
        await using var host = await StartAsync(probe, log);
        var (client, _) = await HubTestHost.JoinNotesAsync(host, probe);
        using (client)
        {
            await client.SendAsync("""42/notes,1["maybe","abc"]""");
            Assert.Equal("""43/notes,1[3]""", await client.ReceiveAsync());
            Assert.Equal("outer>NoteHub.Maybe/maybe(abc)", await log.Entries.NextAsync());
            Assert.Equal("inner>NoteHub.Maybe/maybe(abc)", await log.Entries.NextAsync());
            Assert.Equal("notes>NoteHub.Maybe/maybe(abc)", await log.Entries.NextAsync());
            Assert.Equal("notes<3", await log.Entries.NextAsync());
            Assert.Equal("inner<3", await log.Entries.NextAsync());
            Assert.Equal("outer<3", await log.Entries.NextAsync());

            await client.SendAsync("""42/notes,["post",{"room":"r","text":"hi","priority":1}]""");
            Assert.Equal(new Note("r", "hi", 1), await probe.Notes.NextAsync());
            Assert.Equal("outer>NoteHub.Post/post(Note(hi))", await log.Entries.NextAsync());
        }
    }

    [Fact]
    public async Task A_filter_refuses_with_the_envelope_by_ack_or_error_event_and_the_method_does_not_run()
    {
        var probe = new HubProbe();
        await using var host = await StartAsync(probe, new FilterLog());
        var (client, _) = await HubTestHost.JoinNotesAsync(host, probe);
        using (client)
        {
            await client.SendAsync("""42/notes,1["maybe","stop"]""");
            Assert.Equal("""43/notes,1[{"error":{"code":"stopped","message":"Stopped by a filter."}}]""", await client.ReceiveAsync());

            await client.SendAsync("""42/notes,["set-flag",false]""");
            Assert.Equal("""42/notes,["typedio:error",{"event":"set-flag","error":{"code":"rate_limited","message":"Slow down."}}]""", await client.ReceiveAsync());

            await client.SendAsync("""42/notes,["set-flag",true]""");
            Assert.True(await probe.Flags.NextAsync());
        }
    }

    [Fact]
    public async Task A_filter_maps_the_method_s_exceptions()
    {
        var probe = new HubProbe();
        await using var host = await StartAsync(probe, new FilterLog());
        var (client, _) = await HubTestHost.JoinNotesAsync(host, probe);
        using (client)
        {
            await client.SendAsync("""42/notes,1["fail","other"]""");
            Assert.Equal("""43/notes,1[{"error":{"code":"mapped","message":"Mapped: InvalidOperationException"}}]""", await client.ReceiveAsync());

            await client.SendAsync("""42/notes,2["fail","hub"]""");
            Assert.Equal("""43/notes,2[{"error":{"code":"not_allowed","message":"You may not."}}]""", await client.ReceiveAsync());
        }
    }

    [Fact]
    public async Task A_hub_s_own_filters_do_not_run_for_other_hubs()
    {
        var probe = new HubProbe();
        var log = new FilterLog();
        await using var host = await StartAsync(probe, log);
        var (client, _) = await SioClient.ConnectAndJoinAsync(host, "/team-7");
        using (client)
        {
            Assert.Equal("""42/team-7,["hello","/team-7"]""", await client.ReceiveAsync());
            await client.SendAsync("""42/team-7,1["where"]""");
            Assert.Equal("""43/team-7,1["/team-7"]""", await client.ReceiveAsync());
            Assert.Equal("outer>TeamHub.Where/where()", await log.Entries.NextAsync());
            Assert.Equal("inner>TeamHub.Where/where()", await log.Entries.NextAsync());
            Assert.Equal("teams>TeamHub.Where/where()", await log.Entries.NextAsync());
        }
    }
}
