using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TypedIo.Tests.SocketIo.Api;

public sealed class DynamicNamespaceRuleFailureTests
{
    [Fact]
    public async Task A_rule_that_throws_refuses_the_namespace_and_is_logged_and_the_connection_keeps_working()
    {
        var sink = new LogSink();
        await using var host = await SioTest.StartAsync(
            io =>
            {
                io.Of((name, _) => name == "/boom" ? throw new InvalidOperationException("rule failed") : ValueTask.FromResult(false));
                io.Of("/").OnConnection(socket => socket.On("echo", e => socket.EmitAsync("echo", e.Args.ToEmitArgs())));
            },
            services: s => s.AddSingleton<ILoggerProvider>(sink));
        var (client, _) = await SioClient.ConnectAndJoinAsync(host);
        using (client)
        {
            await client.SendAsync("40/boom,");
            Assert.Equal("44/boom,{\"message\":\"Invalid namespace\"}", await client.ReceiveAsync());
            var logged = await sink.WaitForAsync(209);
            Assert.Equal("rule failed", logged.Exception?.Message);
            await client.AssertEchoAsync();
        }
    }
}
