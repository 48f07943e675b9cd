using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using TypedIo.SocketIo;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Tests.SocketIo.DependencyInjection;

public sealed class ConnectionHandlerTests
{
    [Fact]
    public async Task Handler_is_created_in_the_socket_scope_which_is_disposed_on_disconnect()
    {
        var disposed = NewDisposedSignal();
        await using var host = await StartAsync(io => io.Of("/").OnConnection<GreetingHandler>(), disposed);

        using var ws = new ClientWebSocket();
        await ws.ConnectAsync(new Uri(host.WebSocketAddress, "socket.io/?EIO=4&transport=websocket"), Timeout());
        Assert.StartsWith("0{", await ReceiveTextAsync(ws));
        await SendTextAsync(ws, "40");
        Assert.StartsWith("40{\"sid\":", await ReceiveTextAsync(ws));

        var greeting = await ReceiveTextAsync(ws);
        Assert.StartsWith("42[\"hello\",\"scope-", greeting);
        var scopeId = greeting["42[\"hello\",\"".Length..^2];

        await SendTextAsync(ws, "41");
        Assert.Equal(scopeId, await disposed.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Each_socket_gets_its_own_scope()
    {
        var disposed = NewDisposedSignal();
        await using var host = await StartAsync(io => io.Of("/").OnConnection<GreetingHandler>(), disposed);

        var ids = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            using var ws = new ClientWebSocket();
            await ws.ConnectAsync(new Uri(host.WebSocketAddress, "socket.io/?EIO=4&transport=websocket"), Timeout());
            await ReceiveTextAsync(ws);
            await SendTextAsync(ws, "40");
            await ReceiveTextAsync(ws);
            ids.Add(await ReceiveTextAsync(ws));
        }
        Assert.NotEqual(ids[0], ids[1]);
    }

    [Fact]
    public async Task Connection_middleware_runs_in_the_same_scope_and_a_refused_socket_scope_is_disposed()
    {
        var disposed = NewDisposedSignal();
        var seenInMiddleware = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await StartAsync(io =>
            {
                io.Of("/").Use(async (socket, next) =>
                {
                    seenInMiddleware.TrySetResult(socket.Services!.GetRequiredService<ScopedGreeting>().Id);
                    await next();
                }).OnConnection<GreetingHandler>();
                io.Of("/refused").Use((socket, next) =>
                {
                    Assert.NotNull(socket.Services!.GetRequiredService<ScopedGreeting>());
                    throw new SocketConnectException("no");
                });
            }, disposed);

        using var ws = new ClientWebSocket();
        await ws.ConnectAsync(new Uri(host.WebSocketAddress, "socket.io/?EIO=4&transport=websocket"), Timeout());
        await ReceiveTextAsync(ws);
        await SendTextAsync(ws, "40");
        await ReceiveTextAsync(ws);
        var greeting = await ReceiveTextAsync(ws);
        Assert.Equal($"42[\"hello\",\"{await seenInMiddleware.Task}\"]", greeting);

        await SendTextAsync(ws, "40/refused,");
        Assert.Equal("44/refused,{\"message\":\"no\"}", await ReceiveTextAsync(ws));
        Assert.StartsWith("scope-", await disposed.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    private static TaskCompletionSource<string> NewDisposedSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static Task<TestHost> StartAsync(Action<SocketIoServer> map, TaskCompletionSource<string> disposed) =>
        TestHost.StartAsync(
            app => app.MapTypedIo(map),
            services =>
            {
                services.AddTypedIo();
                services.AddSingleton(disposed);
                services.AddScoped<ScopedGreeting>();
            });

    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token;

    private static Task SendTextAsync(ClientWebSocket ws, string text) =>
        ws.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, Timeout());

    private static async Task<string> ReceiveTextAsync(ClientWebSocket ws)
    {
        var buffer = new byte[4096];
        var result = await ws.ReceiveAsync(buffer, Timeout());
        Assert.Equal(WebSocketMessageType.Text, result.MessageType);
        return Encoding.UTF8.GetString(buffer, 0, result.Count);
    }

    public sealed class ScopedGreeting(TaskCompletionSource<string> disposed) : IDisposable
    {
        public string Id { get; } = "scope-" + Guid.NewGuid().ToString("N");

        public void Dispose() => disposed.TrySetResult(Id);
    }

    public sealed class GreetingHandler(ScopedGreeting greeting) : ISocketConnectionHandler
    {
        public ValueTask OnConnectedAsync(Socket socket) => socket.EmitAsync("hello", greeting.Id);
    }
}
