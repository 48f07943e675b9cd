using System.Text;
using System.Text.Json;
using FluentValidation;
using FluentValidation.Results;
using Microsoft.Extensions.DependencyInjection;
using TypedIo.SocketIo;

namespace TypedIo;

/// <summary>
/// Runs the FluentValidation validators registered in DI for an argument's type and turns their failures into the
/// <c>errors</c> of a <see cref="SocketRejection"/>: property paths as the JSON spells them (camelCase by default,
/// <c>items[0].name</c>), prefixed by the parameter name when the event has several parameters.
/// </summary>
internal static class ArgumentValidation
{
    /// <summary>The failures of every <c>IValidator&lt;T&gt;</c> of the scope, or null when there is none or all pass.</summary>
    public static ValueTask<List<ValidationFailure>?> ValidateAsync<T>(IServiceProvider services, T value, CancellationToken cancellationToken)
    {
        // The common case, a type without validator, costs a lookup: no enumerable resolved, no state machine.
        if (services.GetService<IServiceProviderIsService>() is { } isService && !isService.IsService(typeof(IValidator<T>)))
            return ValueTask.FromResult<List<ValidationFailure>?>(null);
        return RunValidatorsAsync(services, value, cancellationToken);
    }

    private static async ValueTask<List<ValidationFailure>?> RunValidatorsAsync<T>(IServiceProvider services, T value, CancellationToken cancellationToken)
    {
        List<ValidationFailure>? failures = null;
        foreach (var validator in services.GetServices<IValidator<T>>())
        {
            var result = await validator.ValidateAsync(value, cancellationToken).ConfigureAwait(false);
            if (!result.IsValid)
                (failures ??= []).AddRange(result.Errors);
        }
        return failures;
    }

    /// <summary>Adds <paramref name="failures"/> under their JSON paths (prefixed by <paramref name="prefix"/> when not null).</summary>
    public static void AddErrors(Dictionary<string, List<string>> errors, string? prefix, List<ValidationFailure> failures, JsonNamingPolicy? naming)
    {
        foreach (var failure in failures)
        {
            var path = JsonPath(prefix, failure.PropertyName, naming);
            if (!errors.TryGetValue(path, out var messages))
                errors[path] = messages = [];
            messages.Add(failure.ErrorMessage);
        }
    }

    public static SocketRejection Rejection(string eventName, Dictionary<string, List<string>> errors)
    {
        var result = new Dictionary<string, string[]>(errors.Count, StringComparer.Ordinal);
        foreach (var (path, messages) in errors)
            result[path] = [.. messages];
        return new SocketRejection(SocketRejectionCodes.ValidationFailed, $"The arguments of '{eventName}' are not valid.", result);
    }

    public static JsonNamingPolicy? NamingPolicy(Socket socket) =>
        (socket.Namespace.Server.Parser as JsonPacketParser)?.SerializerOptions.PropertyNamingPolicy;

    /// <summary><c>Lines[0].ProductId</c> → <c>lines[0].productId</c> (each member through the naming policy).</summary>
    internal static string JsonPath(string? prefix, string? propertyName, JsonNamingPolicy? naming)
    {
        if (string.IsNullOrEmpty(propertyName))
            return prefix ?? "";
        var path = new StringBuilder(prefix is null ? propertyName.Length : prefix.Length + 1 + propertyName.Length);
        if (prefix is not null)
            path.Append(prefix);
        foreach (var segment in propertyName.Split('.'))
        {
            if (path.Length > 0)
                path.Append('.');
            var bracket = segment.IndexOf('[', StringComparison.Ordinal);
            var member = bracket < 0 ? segment : segment[..bracket];
            path.Append(naming is null || member.Length == 0 ? member : naming.ConvertName(member));
            if (bracket >= 0)
                path.Append(segment, bracket, segment.Length - bracket);
        }
        return path.ToString();
    }
}
