using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace TypedIo.EngineIo;

/// <summary>
/// Puts a <see cref="FrameCheckingStream"/> between the upgraded connection and the WebSocket ASP.NET Core makes of it:
/// a middleware, before <c>UseWebSockets</c>, replaces the upgrade features (HTTP/1.1 upgrade, HTTP/2 extended
/// CONNECT) with ones whose stream is checked. The transport finds the checker through
/// <see cref="IFrameCheckFeature"/> to log why a connection was refused.
/// <para>
/// A refused frame fails the WebSocket's read, so the WebSocket ends Aborted, and ASP.NET Core's WebSocket middleware
/// then aborts the HTTP context: Kestrel resets the TCP connection, which can destroy the close frame before the client
/// reads it. Once the close frame is written and flushed nothing else goes out on the connection, so ending it
/// normally (FIN) loses nothing: that abort is skipped, as Node's <c>ws</c> ends the socket after its close frame.
/// </para>
/// </summary>
internal static class FrameCheckingUpgrade
{
    /// <summary>Adds the middleware to <paramref name="app"/>; must come before <c>UseWebSockets</c>.</summary>
    public static IApplicationBuilder UseClientFrameChecks(this IApplicationBuilder app, EngineIoOptions options) =>
        app.Use(next => context =>
        {
            var features = context.Features;
            var upgrade = features.Get<IHttpUpgradeFeature>();
            var connect = features.Get<IHttpExtendedConnectFeature>();
            if (upgrade is { IsUpgradableRequest: true } || connect is { IsExtendedConnect: true })
            {
                var check = new FrameCheckFeature(options.MaxHttpBufferSize);
                features.Set<IFrameCheckFeature>(check);
                if (upgrade is not null)
                    features.Set<IHttpUpgradeFeature>(new CheckedUpgradeFeature(upgrade, check));
                if (connect is not null)
                    features.Set<IHttpExtendedConnectFeature>(new CheckedConnectFeature(connect, check));
                if (features.Get<IHttpRequestLifetimeFeature>() is { } lifetime)
                    features.Set<IHttpRequestLifetimeFeature>(new CheckedLifetimeFeature(lifetime, check));
                // An app-wide UseWebSockets() has already made its WebSocket feature over the unchecked connection:
                // drop it, so that this endpoint's own WebSocket middleware makes one over the checked one.
                features.Set<IHttpWebSocketFeature>(null);
            }
            return next(context);
        });

    private sealed class FrameCheckFeature(long maxPayload) : IFrameCheckFeature
    {
        public FrameCheckingStream? Stream { get; private set; }

        public FrameViolation? Violation => Stream?.Violation;

        public Stream Wrap(Stream upgraded) => Stream = new FrameCheckingStream(upgraded, maxPayload);
    }

    private sealed class CheckedLifetimeFeature(IHttpRequestLifetimeFeature inner, FrameCheckFeature check) : IHttpRequestLifetimeFeature
    {
        public CancellationToken RequestAborted
        {
            get => inner.RequestAborted;
            set => inner.RequestAborted = value;
        }

        public void Abort()
        {
            if (check.Stream is not { CloseWritten: true })
                inner.Abort();
        }
    }

    private sealed class CheckedUpgradeFeature(IHttpUpgradeFeature inner, FrameCheckFeature check) : IHttpUpgradeFeature
    {
        public bool IsUpgradableRequest => inner.IsUpgradableRequest;

        public async Task<Stream> UpgradeAsync() => check.Wrap(await inner.UpgradeAsync().ConfigureAwait(false));
    }

    private sealed class CheckedConnectFeature(IHttpExtendedConnectFeature inner, FrameCheckFeature check) : IHttpExtendedConnectFeature
    {
        public bool IsExtendedConnect => inner.IsExtendedConnect;

        public string? Protocol => inner.Protocol;

        public async ValueTask<Stream> AcceptAsync() => check.Wrap(await inner.AcceptAsync().ConfigureAwait(false));
    }
}

/// <summary>The frame checks of one WebSocket request.</summary>
internal interface IFrameCheckFeature
{
    /// <summary>Why the client's frames were refused (the close frame is already sent), or null.</summary>
    FrameViolation? Violation { get; }

    /// <summary>The checked connection the WebSocket was made over (the transport writes its data frames to it), or null.</summary>
    FrameCheckingStream? Stream { get; }
}
