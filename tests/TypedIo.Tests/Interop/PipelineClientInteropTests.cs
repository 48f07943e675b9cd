using FluentValidation;
using Microsoft.Extensions.DependencyInjection;
using TypedIo.Tests.Authorization;
using TypedIo.Tests.Infrastructure;
using TypedIo.Tests.Validation;

namespace TypedIo.Tests.Interop;

/// <summary>
/// The real socket.io-client (Node) receives validation and authorization refusals with the types the generated .d.ts
/// promised: a TypeScript client compiled with <c>tsc --strict</c> against the declarations of this project's test hubs
/// (tests/js/typed-pipeline/generated/tests.d.ts), talking to an in-process server with the JwtBearer handler.
/// </summary>
public sealed class PipelineClientInteropTests
{
    [Fact]
    public async Task A_typescript_client_gets_the_rejection_envelope_the_declarations_promise()
    {
        await TscAsync("typed-pipeline/tsconfig.json");
        var probe = new AuthProbe();
        await using var host = await TestTokens.StartAsync(probe, services =>
        {
            services.AddSingleton(new ShopProbe());
            services.AddScoped<TakenEmails>();
            services.AddScoped<IValidator<Order>, OrderValidator>();
            services.AddScoped<IValidator<OrderLine>, OrderLineValidator>();
            services.AddSocketHub<ShopHub>();
        });

        await using var script = NodeScript.Start("typed-pipeline/out/pipeline-client.js", host.BaseAddress.ToString(), TestTokens.Create("ada", roles: ["user"]));
        var result = await script.WaitForEventAsync("result", TimeSpan.FromSeconds(60));

        var shop = result.GetProperty("shop");
        Assert.Equal("validation_failed", shop.GetProperty("code").GetString());
        Assert.Equal("The arguments of 'placeOrder' are not valid.", shop.GetProperty("message").GetString());
        Assert.Equal(
            ["address.city", "customer", "lines[1].quantity", "lines[1].sku"],
            shop.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("submitOrder", shop.GetProperty("refusedEvent").GetString());
        Assert.Equal("validation_failed", shop.GetProperty("unacknowledgedCode").GetString());
        Assert.Equal("order-1", shop.GetProperty("orderId").GetString());

        var vault = result.GetProperty("vault");
        Assert.Equal("unauthorized", vault.GetProperty("connectError").GetString());
        Assert.Equal("ada", vault.GetProperty("whoami").GetString());
        Assert.Equal("forbidden", vault.GetProperty("wipeCode").GetString());
        Assert.Equal("'wipe' is not allowed for this user.", vault.GetProperty("wipeMessage").GetString());
    }

    private static Task TscAsync(string project) =>
        Tsc.CompileAsync(project, Path.Combine("typed-pipeline", "generated", "tests.d.ts"), "TypedIoTypeScriptOutput in TypedIo.Tests.csproj");
}
