using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TypedIo.EngineIo;

namespace TypedIo.SocketIo;

/// <summary>
/// Turns on <see cref="EngineIoOptions.InlineScheduling"/> when the app set Kestrel's inline scheduling itself (with
/// <c>UseSockets</c>) or the process completes socket operations inline: either way handlers would otherwise go on
/// running on the socket engine's threads after an <c>await</c>.
/// </summary>
internal sealed class DetectInlineScheduling(IOptions<SocketTransportOptions> kestrel) : IPostConfigureOptions<SocketIoOptions>
{
    public void PostConfigure(string? name, SocketIoOptions options)
    {
        if (kestrel.Value.UnsafePreferInlineScheduling
            || Environment.GetEnvironmentVariable(TypedIoInlineSchedulingExtensions.InlineCompletionsVariable) == "1")
            options.EngineIo.InlineScheduling = true;
    }
}
