using System.Threading.RateLimiting;
using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using TypedIo.SocketIo;
using TypedIo.Tests.Infrastructure;
using TypedIo.Tests.SocketIo;

namespace TypedIo.Tests.Validation;

/// <summary>
/// Middleware of your own sits in the same pipeline: event middleware runs before a hub's authorization, binding and
/// validation, and refuses with the same envelope through <see cref="SocketEventRejections.Reject"/>.
/// </summary>
public sealed class UserMiddlewareTests
{
    [Fact]
    public async Task A_rate_limiting_middleware_refuses_with_the_common_envelope_before_validation_runs()
    {
        var probe = new ShopProbe();
        var seen = new Recorder<string>();
        await using var host = await TestHost.StartAsync(
            app => app.MapTypedIo(io => io.Of("/shop").UseForEvents(async (e, next) =>
            {
                seen.Add(e.Name);
                var limiter = (RateLimiter)e.Socket.Data.GetOrAdd("limiter", _ => new FixedWindowRateLimiter(new FixedWindowRateLimiterOptions
                {
                    PermitLimit = 2,
                    Window = TimeSpan.FromHours(1),
                    QueueLimit = 0,
                }))!;
                using var lease = limiter.AttemptAcquire();
                if (!lease.IsAcquired)
                {
                    e.Reject(new SocketRejection("rate_limited", "Slow down."));
                    return;
                }
                await next();
            })),
            services =>
            {
                services.AddTypedIo();
                services.AddSingleton(probe);
                services.AddScoped<IValidator<Order>, OrderValidator>();
                services.AddSocketHub<ShopHub>();
            });
        var (client, _) = await SioClient.ConnectAndJoinAsync(host, "/shop");
        using (client)
        {
            await client.SendAsync("""42/shop,1["echo","one"]""");
            Assert.Equal("""43/shop,1["one"]""", await client.ReceiveAsync());

            // The middleware saw the invalid order first; validation refused it after.
            await client.SendAsync("""42/shop,2["placeOrder",{"customer":"","address":{"street":"x","city":"y"},"lines":[{"sku":"a","quantity":1}]}]""");
            Assert.StartsWith("""43/shop,2[{"error":{"code":"validation_failed",""", await client.ReceiveAsync(), StringComparison.Ordinal);

            await client.SendAsync("""42/shop,3["echo","three"]""");
            Assert.Equal("""43/shop,3[{"error":{"code":"rate_limited","message":"Slow down."}}]""", await client.ReceiveAsync());
            await client.SendAsync("""42/shop,["echo","four"]""");
            Assert.Equal("""42/shop,["typedio:error",{"event":"echo","error":{"code":"rate_limited","message":"Slow down."}}]""", await client.ReceiveAsync());

            Assert.Equal(["echo", "placeOrder", "echo", "echo"], [await seen.NextAsync(), await seen.NextAsync(), await seen.NextAsync(), await seen.NextAsync()]);
            Assert.False(probe.Handled.TryNext(out _));
        }
    }
}
