using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using TypedIo.SocketIo;
using TypedIo.Tests.Infrastructure;

namespace TypedIo.Tests.SocketIo.Api;

public sealed class ReservedListenerTests
{
    [Theory]
    [InlineData("disconnect")]
    [InlineData("disconnecting")]
    [InlineData("connect")]
    [InlineData("connect_error")]
    [InlineData("newListener")]
    [InlineData("removeListener")]
    public async Task Listening_to_a_reserved_name_throws_instead_of_never_firing(string name)
    {
        var outcome = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await TestHost.StartAsync(
            app => app.MapTypedIo(io => io.Of("/").OnConnection(socket =>
            {
                try
                {
                    socket.On(name, _ => { });
                    outcome.SetResult(null);
                }
                catch (Exception ex)
                {
                    outcome.SetResult(ex);
                }
            })),
            services => services.AddTypedIo());

        using var ws = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await ws.ConnectAsync(new Uri(host.WebSocketAddress, "socket.io/?EIO=4&transport=websocket"), timeout.Token);
        await ws.ReceiveAsync(new byte[512], timeout.Token);
        await ws.SendAsync(Encoding.UTF8.GetBytes("40"), WebSocketMessageType.Text, true, timeout.Token);

        var error = await outcome.Task.WaitAsync(timeout.Token);
        var argument = Assert.IsType<ArgumentException>(error);
        Assert.Contains(name, argument.Message);
    }
}
