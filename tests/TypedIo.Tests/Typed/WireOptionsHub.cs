using System.Text.Json.Serialization;

namespace TypedIo.Tests.Typed;

public enum WireSpeed { Slow, Fast }

public sealed record WireItem(string PostalCode, WireSpeed Speed, string? Note, int Count, double Weight);

public interface IWireHub
{
    Task<WireItem> Echo(WireItem item);
}

public interface IWireClient
{
    Task Pushed(WireItem item);
}

/// <summary>Every option the generator reads from a context, at once: what the .d.ts of WireHub must follow.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.WriteAsString,
    RespectNullableAnnotations = true)]
[JsonSerializable(typeof(WireItem))]
[JsonSerializable(typeof(string))]
internal sealed partial class WireJsonContext : JsonSerializerContext;

[SocketHub("/wire", JsonContext = typeof(WireJsonContext))]
internal sealed partial class WireHub : SocketHub<IWireClient>, IWireHub
{
    public Task<WireItem> Echo(WireItem item) => Task.FromResult(item);
}

/// <summary>A typed hub filter refusing one postal code: what the real client sees of a filter's refusal.</summary>
internal sealed class BlockedPostalCodeFilter : ISocketHubFilter
{
    public ValueTask<object?> InvokeMethodAsync(SocketHubInvocationContext context, SocketHubFilterNext next) =>
        context.Arguments is [WireItem { PostalCode: "00000" }]
            ? ValueTask.FromResult(context.Reject(new SocketRejection("blocked", "This postal code is blocked.")))
            : next(context);
}
