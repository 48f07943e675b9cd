using Microsoft.Extensions.DependencyInjection;

namespace TypedIo;

/// <summary>What the generator adds to a hub so that <c>AddSocketHub</c> can register its companions.</summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public interface IGeneratedSocketHubServices
{
    /// <summary>Registers the hub's generated services (its context).</summary>
    static abstract void AddServices(IServiceCollection services);
}
