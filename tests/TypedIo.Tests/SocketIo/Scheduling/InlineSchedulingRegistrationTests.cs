using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TypedIo.EngineIo;
using TypedIo.SocketIo;

namespace TypedIo.Tests.SocketIo.Scheduling;

/// <summary>
/// What <c>AddTypedIoInlineScheduling</c> turns on, and when <c>AddTypedIo</c> turns TypedIo's part on by itself. The
/// process environment is never written here (the runtime reads the variable once per process): the registration's
/// environment is a dictionary.
/// </summary>
public sealed class InlineSchedulingRegistrationTests
{
    private const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    [Fact]
    public void It_turns_on_kestrels_inline_scheduling_inline_socket_completions_and_typedios_handler_scheduling()
    {
        var environment = new Dictionary<string, string>();
        var services = new ServiceCollection().AddTypedIo().AddTypedIoInlineScheduling(environment.GetValueOrDefault, (k, v) => environment[k] = v);
        using var provider = services.BuildServiceProvider();

        Assert.True(provider.GetRequiredService<IOptions<SocketTransportOptions>>().Value.UnsafePreferInlineScheduling);
        Assert.True(provider.GetRequiredService<IOptions<SocketIoOptions>>().Value.EngineIo.InlineScheduling);
        Assert.True(provider.GetRequiredService<IOptionsFactory<EngineIoOptions>>().Create("/engine.io").InlineScheduling);
        Assert.Equal("1", environment[Variable]);
    }

    [Fact]
    public void A_value_already_in_the_environment_is_left_alone()
    {
        var environment = new Dictionary<string, string> { [Variable] = "0" };
        new ServiceCollection().AddTypedIoInlineScheduling(environment.GetValueOrDefault, (k, v) => environment[k] = v);

        Assert.Equal("0", environment[Variable]);
    }

    [Fact]
    public void It_holds_when_the_app_replaces_the_engine_options_after_registering_it()
    {
        var services = new ServiceCollection().AddTypedIoInlineScheduling(_ => "1", (_, _) => { })
            .AddTypedIo(o => o.EngineIo = new EngineIoOptions { PingInterval = TimeSpan.FromSeconds(5) });
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<SocketIoOptions>>().Value;
        Assert.True(options.EngineIo.InlineScheduling);
        Assert.Equal(TimeSpan.FromSeconds(5), options.EngineIo.PingInterval);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AddTypedIo_follows_kestrels_inline_scheduling_set_by_the_app(bool kestrelInline)
    {
        var services = new ServiceCollection().AddTypedIo();
        services.Configure<SocketTransportOptions>(o => o.UnsafePreferInlineScheduling = kestrelInline);
        using var provider = services.BuildServiceProvider();

        Assert.Equal(kestrelInline, provider.GetRequiredService<IOptions<SocketIoOptions>>().Value.EngineIo.InlineScheduling);
    }
}
