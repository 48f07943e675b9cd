using Microsoft.AspNetCore.Cors.Infrastructure;

namespace TypedIo.Fixture;

/// <summary>
/// The fixture's CORS middleware, run only for requests whose endpoint has CORS metadata (<c>RequireCors</c>). The
/// fixture has no default policy, so for every other request <c>UseCors()</c> would find no policy and do nothing but
/// resolve its <c>ICorsPolicyProvider</c> from the request's services: that makes the request's DI scope, which a
/// held WebSocket keeps for its whole life (~0.6 KB each; docs/configuration.md, "App settings that cost memory per
/// held connection").
/// </summary>
public static class FixtureCors
{
    /// <summary>Adds the CORS middleware for the endpoints that have a CORS policy.</summary>
    public static IApplicationBuilder UseCorsWhereAPolicyApplies(this IApplicationBuilder app) =>
        app.UseWhen(HasCorsMetadata, cors => cors.UseCors());

    private static bool HasCorsMetadata(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<ICorsMetadata>() is not null;
}
