using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace TypedIo.EngineIo;

/// <summary>
/// Refuses cross-site WebSocket hijacking. Browsers do not apply CORS to WebSockets, so a WebSocket from a
/// foreign Origin is accepted only when the endpoint's ASP.NET Core CORS policy allows that origin. Requests
/// without an Origin header (non-browser clients) and same-origin requests are allowed.
/// </summary>
internal sealed class WebSocketOriginPolicy
{
    public async ValueTask<bool> IsAllowedAsync(HttpContext context)
    {
        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length == 0 || IsSameOrigin(context.Request, origin))
            return true;

        var policy = await FindPolicyAsync(context).ConfigureAwait(false);
        return policy is not null && (policy.AllowAnyOrigin || policy.IsOriginAllowed(origin));
    }

    private static bool IsSameOrigin(HttpRequest request, string origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase)
        && (string.Equals(uri.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase)
            || string.Equals(uri.Scheme, request.Scheme == "https" ? "wss" : "ws", StringComparison.OrdinalIgnoreCase)
            || string.Equals(uri.Scheme, request.Scheme == "wss" ? "https" : "http", StringComparison.OrdinalIgnoreCase));

    private static async ValueTask<CorsPolicy?> FindPolicyAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        if (endpoint is null || endpoint.Metadata.GetMetadata<IDisableCorsAttribute>() is not null)
            return null;
        if (endpoint.Metadata.GetMetadata<ICorsPolicyMetadata>() is { } inline)
            return inline.Policy;
        if (endpoint.Metadata.GetMetadata<IEnableCorsAttribute>() is not { } enable)
            return null;
        var provider = context.RequestServices.GetService<ICorsPolicyProvider>();
        return provider is null ? null : await provider.GetPolicyAsync(context, enable.PolicyName).ConfigureAwait(false);
    }
}
