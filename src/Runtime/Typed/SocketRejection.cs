using System.Text.Json.Nodes;

namespace TypedIo;

/// <summary>
/// Why an event was refused: sent as the ack's only argument, <c>{"error":{"code":...,"message":...,"errors":{...}}}</c>.
/// The generated TypeScript declares it as <c>TypedIoRejection</c> in every ack callback.
/// </summary>
/// <param name="Code">A stable code (see <see cref="SocketRejectionCodes"/>).</param>
/// <param name="Message">A message for people.</param>
/// <param name="Errors">Per-property messages (validation), or null.</param>
public sealed record SocketRejection(string Code, string Message, IReadOnlyDictionary<string, string[]>? Errors = null)
{
    /// <summary>The JSON sent to the client.</summary>
    public JsonObject ToJson() => new() { ["error"] = ErrorJson() };

    /// <summary>The inner <c>{"code","message","errors"?}</c> object.</summary>
    internal JsonObject ErrorJson()
    {
        var error = new JsonObject { ["code"] = Code, ["message"] = Message };
        if (Errors is not null)
        {
            var errors = new JsonObject();
            foreach (var (property, messages) in Errors)
            {
                var list = new JsonArray();
                foreach (var message in messages)
                    list.Add((JsonNode?)JsonValue.Create(message));
                errors[property] = list;
            }
            error["errors"] = errors;
        }
        return error;
    }
}

/// <summary>The codes of <see cref="SocketRejection"/>.</summary>
public static class SocketRejectionCodes
{
    /// <summary>The arguments do not fit the event's parameters (count, type, or null where none is allowed).</summary>
    public const string InvalidArguments = "invalid_arguments";

    /// <summary>The handler failed; the message is generic unless it threw a <see cref="SocketHubException"/>.</summary>
    public const string ServerError = "server_error";

    /// <summary>A FluentValidation validator refused an argument; <see cref="SocketRejection.Errors"/> says which property and why.</summary>
    public const string ValidationFailed = "validation_failed";

    /// <summary>The client asked for an ack of an event nothing on the server handles.</summary>
    public const string UnknownEvent = "unknown_event";

    /// <summary>The event requires authorization and the socket's user is not authenticated.</summary>
    public const string Unauthorized = "unauthorized";

    /// <summary>The socket's user is authenticated but does not satisfy the event's policy or roles.</summary>
    public const string Forbidden = "forbidden";
}

/// <summary>
/// Thrown by a hub method to refuse an event with a message the client may see (any other exception is reported to
/// the client as a generic <c>server_error</c>).
/// </summary>
public class SocketHubException : Exception
{
    /// <summary>Creates the exception with code <c>server_error</c>.</summary>
    public SocketHubException(string message)
        : this(SocketRejectionCodes.ServerError, message)
    {
    }

    /// <summary>Creates the exception with a code of your own.</summary>
    public SocketHubException(string code, string message)
        : base(message)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(code);
        Code = code;
    }

    /// <summary>The rejection code sent to the client.</summary>
    public string Code { get; }
}
