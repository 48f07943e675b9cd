using TypedIo.Generators.Tests.Infrastructure;

namespace TypedIo.Generators.Tests;

/// <summary>Authorization attributes travel from the source into the generated tables as constructor calls.</summary>
public sealed class HubGeneratorAuthorizationTests
{
    [Fact]
    public void Custom_authorize_data_attributes_are_recreated_with_their_arguments_and_inherited_hub_attributes_count()
    {
        var result = GeneratorRunner.Run("""
            using System.Threading.Tasks;
            using Microsoft.AspNetCore.Authorization;
            using TypedIo;

            namespace Demo;

            public enum Level { Low, High }

            public sealed class RolesAttribute : System.Attribute, IAuthorizeData
            {
                public RolesAttribute(Level level, params string[] roles) { Roles = string.Join(",", roles); Policy = level.ToString(); }
                public string? Policy { get; set; }
                public string? Roles { get; set; }
                public string? AuthenticationSchemes { get; set; }
                public double Weight { get; set; }
            }

            public interface IOps { [Roles(Level.High, "ops", "admin", Weight = 1.5)] Task<int> Restart(); Task Ping(); }
            public interface IOpsClient { [Authorize] Task Notice(string text); }

            [Authorize(Policy = "staff")]
            public abstract class StaffHubBase<T> : SocketHub<T> where T : class { }

            [SocketHub("/ops")]
            public sealed partial class OpsHub : StaffHubBase<IOpsClient>, IOps
            {
                public Task<int> Restart() => Task.FromResult(1);
                [AllowAnonymous] public Task Ping() => Task.CompletedTask;
            }
            """);

        Assert.Empty(result.Diagnostics);
        Assert.Empty(result.CompilationProblems);
        var source = result.Source("Demo.OpsHub.g.cs");
        Assert.Contains("__authorization = new global::TypedIo.HubAuthorization(allowAnonymous: false, new global::Microsoft.AspNetCore.Authorization.AuthorizeAttribute() { Policy = \"staff\" });", source, StringComparison.Ordinal);
        Assert.Contains("{ Authorization = new global::TypedIo.HubAuthorization(allowAnonymous: false, new global::Demo.RolesAttribute((global::Demo.Level)(1), new string[] { \"ops\", \"admin\" }) { Weight = (double)(1.5) }) },", source, StringComparison.Ordinal);
        Assert.Contains("{ Authorization = new global::TypedIo.HubAuthorization(allowAnonymous: true) },", source, StringComparison.Ordinal);
        // Server-to-client contracts are not authorized: nothing is emitted for them.
        Assert.Equal(3, source.Split("HubAuthorization(").Length - 1);
    }
}
