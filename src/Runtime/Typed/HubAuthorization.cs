using Microsoft.AspNetCore.Authorization;

namespace TypedIo;

/// <summary>
/// The authorization attributes of a hub or of one hub event, as the generator copies them from the source (no
/// reflection at run time): every <see cref="IAuthorizeData"/> (<c>[Authorize]</c>, <c>[Authorize(Policy = ...)]</c>,
/// <c>[Authorize(Roles = ...)]</c>, your own attributes implementing it) and whether <c>[AllowAnonymous]</c> is present.
/// </summary>
public sealed class HubAuthorization
{
    /// <summary>Creates the description.</summary>
    public HubAuthorization(bool allowAnonymous, params IAuthorizeData[] authorizeData)
    {
        ArgumentNullException.ThrowIfNull(authorizeData);
        AllowAnonymous = allowAnonymous;
        AuthorizeData = authorizeData;
    }

    /// <summary>Whether <c>[AllowAnonymous]</c> is present: then nothing is checked at this level.</summary>
    public bool AllowAnonymous { get; }

    /// <summary>The attributes to satisfy (all of them).</summary>
    public IReadOnlyList<IAuthorizeData> AuthorizeData { get; }

    /// <summary>Whether anything must be checked.</summary>
    public bool IsRequired => !AllowAnonymous && AuthorizeData.Count > 0;

    private CombinedPolicy? _combined;

    /// <summary>
    /// The attributes combined into one policy by <paramref name="provider"/>; kept for the next event when the provider
    /// allows caching (as ASP.NET Core's authorization middleware does), so a protected event does not rebuild it.
    /// </summary>
    internal async ValueTask<AuthorizationPolicy?> GetPolicyAsync(IAuthorizationPolicyProvider provider)
    {
        if (Volatile.Read(ref _combined) is { } combined && ReferenceEquals(combined.Provider, provider))
            return combined.Policy;
        var policy = await AuthorizationPolicy.CombineAsync(provider, AuthorizeData).ConfigureAwait(false);
        if (provider.AllowsCachingPolicies)
            Volatile.Write(ref _combined, new CombinedPolicy(provider, policy));
        return policy;
    }

    private sealed record CombinedPolicy(IAuthorizationPolicyProvider Provider, AuthorizationPolicy? Policy);
}
