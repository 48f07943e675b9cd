using System.Text;
using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
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
    /// <summary>
    /// The failures of every <c>IValidator&lt;T&gt;</c> of the socket's scope, or null when there is none or all pass.
    /// </summary>
    public static ValueTask<List<ValidationFailure>?> ValidateAsync<T>(Socket socket, T value, CancellationToken cancellationToken)
    {
        // The common case, a type without validator, costs a lookup in the root: no scope made for the socket, no
        // enumerable resolved, no state machine.
        if (!socket.Namespace.Server.MayHaveService(typeof(IValidator<T>)) || socket.Services is not { } services)
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

    /// <summary>
    /// Adds <paramref name="failures"/> under their JSON paths (prefixed by <paramref name="prefix"/> when not null), for an
    /// argument <paramref name="value"/> of type <paramref name="type"/> read with <paramref name="options"/>.
    /// </summary>
    public static void AddErrors(Dictionary<string, List<string>> errors, string? prefix, Type type, object value, List<ValidationFailure> failures, JsonSerializerOptions? options)
    {
        foreach (var failure in failures)
        {
            var path = JsonPath(prefix, failure.PropertyName, type, options, value);
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

    public static JsonSerializerOptions? SerializerOptions(Socket socket) =>
        (socket.Namespace.Server.Parser as JsonPacketParser)?.SerializerOptions;

    /// <summary>
    /// FluentValidation's path of C# member names (<c>Lines[0].PostalCode</c>) as the JSON the client sent spells it
    /// (<c>lines[0].zip_code</c>): each member is looked up in the System.Text.Json metadata of the type it belongs to
    /// (so <c>[JsonPropertyName]</c>, the naming policy and a source-generated context all count), following collection
    /// elements through the indexes. A dictionary entry (<c>RuleForEach</c> over a dictionary: <c>Depots[0].Value</c>) is
    /// named by its key, read from <paramref name="value"/>, as the JSON object has it: <c>depots.north</c>. A member the
    /// metadata does not know goes through the naming policy.
    /// </summary>
    internal static string JsonPath(string? prefix, string? propertyName, Type? type, JsonSerializerOptions? options, object? value = null)
    {
        if (string.IsNullOrEmpty(propertyName))
            return prefix ?? "";
        var naming = options?.PropertyNamingPolicy;
        var path = new StringBuilder(prefix is null ? propertyName.Length : prefix.Length + 1 + propertyName.Length);
        if (prefix is not null)
            path.Append(prefix);
        string? entryKey = null; // the key of the dictionary entry the previous segment ended on
        foreach (var segment in propertyName.Split('.'))
        {
            var bracket = segment.IndexOf('[', StringComparison.Ordinal);
            var member = bracket < 0 ? segment : segment[..bracket];
            if (entryKey is not null && member is "Value" or "Key")
            {
                path.Append('.').Append(entryKey); // the entry's value (or key) is the JSON property named by the key
                entryKey = null;
                if (bracket < 0)
                    continue;
                member = "";
            }
            else if (member.Length > 0)
            {
                if (path.Length > 0)
                    path.Append('.');
                var property = FindProperty(type, member, options);
                path.Append(property?.Name ?? (naming is null ? member : naming.ConvertName(member)));
                type = property?.PropertyType;
                value = property is not null && value is not null ? Get(property, value) : null;
            }
            entryKey = null;
            for (var i = bracket; i >= 0 && i < segment.Length; i = segment.IndexOf('[', i + 1))
            {
                var close = segment.IndexOf(']', i);
                var index = close < 0 ? segment[(i + 1)..] : segment[(i + 1)..close];
                var info = TypeInfo(type, options);
                if (info is { Kind: JsonTypeInfoKind.Dictionary } && value is IDictionary dictionary
                    && int.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out var position)
                    && Entry(dictionary, position) is { } entry)
                {
                    entryKey = Convert.ToString(entry.Key, CultureInfo.InvariantCulture);
                    value = entry.Value;
                    type = info.ElementType;
                    if (close < 0 || close == segment.Length - 1)
                        break; // named by the key with the next segment (Value/Key), or below if there is none
                }
                else
                {
                    path.Append(segment, i, (close < 0 ? segment.Length : close + 1) - i);
                    value = Element(value, index);
                }
                if (info is { Kind: JsonTypeInfoKind.Dictionary } && entryKey is not null)
                    continue;
                type = info is { Kind: JsonTypeInfoKind.Enumerable or JsonTypeInfoKind.Dictionary } ? info.ElementType : null;
            }
        }
        if (entryKey is not null)
            path.Append('.').Append(entryKey);
        return path.ToString();
    }

    private static object? Get(JsonPropertyInfo property, object owner)
    {
        try
        {
            return property.Get?.Invoke(owner);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return null; // a getter that throws names nothing: the path falls back to the indexes
        }
    }

    private static DictionaryEntry? Entry(IDictionary dictionary, int position)
    {
        var i = 0;
        foreach (DictionaryEntry entry in dictionary)
        {
            if (i++ == position)
                return entry;
        }
        return null;
    }

    private static object? Element(object? value, string index)
    {
        if (!int.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out var position))
            return null;
        switch (value)
        {
            case IList list:
                return position < list.Count ? list[position] : null;
            case IEnumerable items:
                var i = 0;
                foreach (var item in items)
                {
                    if (i++ == position)
                        return item;
                }
                return null;
            default:
                return null;
        }
    }

    private static JsonTypeInfo? TypeInfo(Type? type, JsonSerializerOptions? options)
    {
        if (type is null || options is null)
            return null;
        try
        {
            return options.TryGetTypeInfo(type, out var info) ? info : null;
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException)
        {
            return null; // no metadata for it (a source-generated context without the type): the naming policy decides
        }
    }

    private static JsonPropertyInfo? FindProperty(Type? type, string member, JsonSerializerOptions? options)
    {
        if (TypeInfo(type, options) is not { Kind: JsonTypeInfoKind.Object } info)
            return null;
        foreach (var property in info.Properties)
        {
            if ((property.AttributeProvider as MemberInfo)?.Name == member)
                return property;
        }
        return null;
    }

    private static Type? ElementType(Type? type, JsonSerializerOptions? options) =>
        TypeInfo(type, options) is { Kind: JsonTypeInfoKind.Enumerable or JsonTypeInfoKind.Dictionary } info ? info.ElementType : null;
}
