using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Features;

namespace TypedIo.EngineIo;

/// <summary>
/// Puts a <see cref="FrameCheckingStream"/> between the upgraded connection and everything above it: a middleware,
/// before <c>UseWebSockets</c>, replaces the upgrade features (HTTP/1.1 upgrade, HTTP/2 extended CONNECT) with ones
/// whose stream is that one. <see cref="WebSocketHandshake"/> goes through them (ASP.NET Core's WebSocket middleware
/// after this one only tells WebSocket requests apart); the transport then finds the stream through
/// <see cref="IFrameCheckFeature"/> and reads and writes it itself (<see cref="WebSocketFrameReader"/>).
/// <para>
/// When the client's frames are refused, the close frame is written and flushed, and nothing else goes out on the
/// connection, so ending it normally (FIN) loses nothing: an abort of the request after that (a WebSocket that ended
/// Aborted makes ASP.NET Core's WebSocket middleware abort the HTTP context) is skipped, since a reset could destroy
/// the close frame before the client reads it. Node's <c>ws</c> too ends the socket after its close frame.
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

    /// <summary>The checked connection the WebSocket was made over (the transport reads and writes it), or null.</summary>
    FrameCheckingStream? Stream { get; }
}
