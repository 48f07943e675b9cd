using System.Text.Json.Nodes;
using FluentValidation.Results;
using TypedIo.SocketIo;

namespace TypedIo;

/// <summary>One wire parameter of a hub event: its name, type, whether null is allowed, and how it is read.</summary>
public sealed class HubParameter
{
    private HubParameter(string name, Type type, bool allowsNull, bool isRest, Func<SocketArgs, int, object?> read)
    {
        Name = name;
        Type = type;
        AllowsNull = allowsNull;
        IsRest = isRest;
        Read = read;
    }

    /// <summary>The parameter name.</summary>
    public string Name { get; }

    /// <summary>The declared type.</summary>
    public Type Type { get; }

    /// <summary>Whether null (JSON <c>null</c>) is a valid value.</summary>
    public bool AllowsNull { get; }

    /// <summary>Whether it takes every remaining argument (<c>params JsonNode?[]</c>, <c>params object?[]</c> or <see cref="SocketArgs"/>).</summary>
    public bool IsRest { get; }

    internal Func<SocketArgs, int, object?> Read { get; }

    /// <summary>
    /// Finds a <c>null</c> the C# type does not allow inside a bound value (an element or dictionary value declared
    /// non-nullable, at any depth): returns its JSON path relative to the argument, or null when there is none.
    /// </summary>
    internal Func<object, string?>? FindNull { get; private init; }

    /// <summary>Runs the validators registered for the type (null for the rest parameters, which are not validated).</summary>
    internal Func<SocketIo.Socket, object, CancellationToken, ValueTask<List<ValidationFailure>?>>? Validate { get; private init; }

    /// <summary>A parameter of type <typeparamref name="T"/>, read with the server's JSON options.</summary>
    public static HubParameter Of<T>(string name, bool allowsNull) =>
        new(name, typeof(T), allowsNull, isRest: false, static (args, index) => args.Get<T>(index))
        {
            Validate = static (socket, value, cancellationToken) => ArgumentValidation.ValidateAsync(socket, (T)value, cancellationToken),
        };

    /// <summary>
    /// A parameter of type <typeparamref name="T"/>, read with the server's JSON options, whose elements (or dictionary
    /// values) may not be null where the C# type says so: <paramref name="findNull"/> returns the JSON path of such a
    /// null inside a bound value (<c>[1]</c>, <c>.lines[0].tags[2]</c>), or null. The generator writes it from the nullable
    /// annotations, which System.Text.Json does not enforce for elements.
    /// </summary>
    public static HubParameter Of<T>(string name, bool allowsNull, Func<T, string?> findNull)
    {
        ArgumentNullException.ThrowIfNull(findNull);
        return new(name, typeof(T), allowsNull, isRest: false, static (args, index) => args.Get<T>(index))
        {
            Validate = static (socket, value, cancellationToken) => ArgumentValidation.ValidateAsync(socket, (T)value, cancellationToken),
            FindNull = value => findNull((T)value),
        };
    }

    /// <summary>A trailing parameter taking every remaining argument as JSON nodes (binary values as byte arrays).</summary>
    public static HubParameter Rest(string name) =>
        new(name, typeof(JsonNode[]), allowsNull: false, isRest: true, static (args, index) =>
        {
            var rest = new JsonNode?[Math.Max(0, args.Count - index)];
            for (var i = 0; i < rest.Length; i++)
                rest[i] = args.GetNode(index + i);
            return rest;
        });

    /// <summary>
    /// A trailing <see cref="SocketArgs"/> parameter taking every remaining argument as received, nothing parsed or
    /// copied: what an event that relays its arguments (<c>Clients.Caller.Echo(args)</c>, <c>Context.Socket.Broadcast.EmitAsync(...)</c>)
    /// takes, so that they are written back from the received bytes.
    /// </summary>
    public static HubParameter Args(string name) =>
        new(name, typeof(SocketArgs), allowsNull: false, isRest: true, static (args, index) => args.Slice(index));

    /// <summary>
    /// A trailing parameter taking every remaining argument as it came: <see cref="System.Text.Json.JsonElement"/>s, or
    /// JSON nodes with byte arrays when the packet carries binary (what <see cref="SocketArgs.ToEmitArgs"/> gives; emitting
    /// them again sends the same JSON without re-serializing it).
    /// </summary>
    public static HubParameter RawRest(string name) =>
        new(name, typeof(object[]), allowsNull: false, isRest: true, static (args, index) =>
        {
            var all = args.ToEmitArgs();
            return index == 0 ? all : all[index..];
        });
}
