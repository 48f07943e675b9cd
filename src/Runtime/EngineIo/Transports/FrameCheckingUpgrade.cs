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
                // One object stands in for all four features: a held WebSocket keeps it as long as it lasts.
                var check = new CheckedUpgrade(options.MaxHttpBufferSize, upgrade, connect, features.Get<IHttpRequestLifetimeFeature>());
                features.Set<IFrameCheckFeature>(check);
                if (upgrade is not null)
                    features.Set<IHttpUpgradeFeature>(check);
                if (connect is not null)
                    features.Set<IHttpExtendedConnectFeature>(check);
                if (check.HasLifetime)
                    features.Set<IHttpRequestLifetimeFeature>(check);
                // An app-wide UseWebSockets() has already made its WebSocket feature over the unchecked connection:
                // drop it, so that this endpoint's own WebSocket middleware makes one over the checked one.
                features.Set<IHttpWebSocketFeature>(null);
            }
            return next(context);
        });

    /// <summary>
    /// The upgrade features of one request with a checked stream: each member forwards to the feature it replaces
    /// (only those that were there are set), and the request's abort is skipped once the close frame is out.
    /// </summary>
    private sealed class CheckedUpgrade(
        long maxPayload,
        IHttpUpgradeFeature? upgrade,
        IHttpExtendedConnectFeature? connect,
        IHttpRequestLifetimeFeature? lifetime)
        : IFrameCheckFeature, IHttpUpgradeFeature, IHttpExtendedConnectFeature, IHttpRequestLifetimeFeature
    {
        private FrameCheckingStream? _stream;

        public bool HasLifetime => lifetime is not null;

        public FrameViolation? Violation => _stream?.Violation;

        public FrameCheckingStream? Stream => _stream;

        public bool IsUpgradableRequest => upgrade!.IsUpgradableRequest;

        public bool IsExtendedConnect => connect!.IsExtendedConnect;

        public string? Protocol => connect!.Protocol;

        public CancellationToken RequestAborted
        {
            get => lifetime!.RequestAborted;
            set => lifetime!.RequestAborted = value;
        }

        public async Task<Stream> UpgradeAsync() => Wrap(await upgrade!.UpgradeAsync().ConfigureAwait(false));

        public async ValueTask<Stream> AcceptAsync() => Wrap(await connect!.AcceptAsync().ConfigureAwait(false));

        public void Abort()
        {
            if (_stream is not { CloseWritten: true })
                lifetime!.Abort();
        }

        private FrameCheckingStream Wrap(Stream upgraded) => _stream = new FrameCheckingStream(upgraded, maxPayload);
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
