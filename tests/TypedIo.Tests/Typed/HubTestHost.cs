using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using TypedIo.Tests.Infrastructure;
using TypedIo.Tests.SocketIo;

namespace TypedIo.Tests.Typed;

internal static class HubTestHost
{
    /// <summary>A server with the test hubs registered the way an app does it.</summary>
    public static Task<TestHost> StartAsync(HubProbe probe, Action<TypedIo.SocketIo.SocketIoOptions>? options = null) =>
        TestHost.StartAsync(
            app => app.MapTypedIo(),
            services =>
            {
                services.AddTypedIo(options);
                services.AddSingleton(probe);
                services.AddScoped<SocketScopedCounter>();
                services.AddSocketHub<NoteHub>().AddSocketHub<TeamHub>();
            });

    public static async Task<(SioClient Client, string Sid)> JoinNotesAsync(TestHost host, HubProbe probe)
    {
        var joined = await SioClient.ConnectAndJoinAsync(host, "/notes");
        Assert.Equal("connected:" + joined.Sid, await probe.Lifecycle.NextAsync());
        return joined;
    }
}
