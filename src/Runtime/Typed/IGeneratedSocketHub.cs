using System.ComponentModel;

namespace TypedIo;

/// <summary>
/// What the source generator implements on a <c>[SocketHub]</c> class: where it is served, how it is created and
/// its event table. Not meant to be implemented by hand, although nothing stops a person from doing so.
/// </summary>
/// <typeparam name="THub">The hub class itself.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IGeneratedSocketHub<THub>
    where THub : SocketHub, IGeneratedSocketHub<THub>
{
    /// <summary>The namespace served, or null when <see cref="NamespacePattern"/> is set.</summary>
    static abstract string? NamespacePath { get; }

    /// <summary>The regular expression of the dynamic namespaces served, or null.</summary>
    static abstract string? NamespacePattern { get; }

    /// <summary>The client-to-server events, by wire name.</summary>
    static abstract IReadOnlyList<HubMethod<THub>> Methods { get; }

    /// <summary>
    /// The <c>[Authorize]</c>/<c>[AllowAnonymous]</c> attributes of the hub class, checked when a socket joins its namespace;
    /// null (the default) when there are none.
    /// </summary>
    static virtual HubAuthorization? Authorization => null;

    /// <summary>Creates the hub for one socket from its service scope.</summary>
    static abstract THub Create(IServiceProvider services);
}
