using System.Diagnostics.CodeAnalysis;

namespace TypedIo;

/// <summary>The registered hub filters, in order (filled by <c>AddSocketHubFilter</c>).</summary>
internal sealed class SocketHubFilterOptions
{
    public List<Registration> Filters { get; } = [];

    /// <summary>A filter type, for one hub type or (null) every hub.</summary>
    internal sealed record Registration(Type? Hub, [property: DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] Type Filter);

    /// <summary>The filters that apply to <paramref name="hub"/>: every hub's first, then its own, each in registration order.</summary>
    public Type[] For(Type hub) =>
        [.. Filters.Where(f => f.Hub is null).Select(f => f.Filter), .. Filters.Where(f => f.Hub == hub).Select(f => f.Filter)];
}
