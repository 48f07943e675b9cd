using System.Text.Json.Serialization;
using TypedIo;

namespace TypedIo.Samples.Aot;

/// <summary>A ping with a client-chosen number.</summary>
public sealed record Ping(int Seq, string Text);

/// <summary>The server's answer.</summary>
public sealed record Pong(int Seq, string Text, string Server);

/// <summary>Client to server.</summary>
public interface IPingEvents
{
    /// <summary>Acked with a <see cref="Pong"/>; everyone else hears <see cref="IPingClient.Pinged"/>.</summary>
    Task<Pong> Ping(Ping ping);
}

/// <summary>Server to client.</summary>
public interface IPingClient
{
    /// <summary>Someone pinged.</summary>
    Task Pinged(Ping ping);
}

/// <summary>The sample's only hub.</summary>
[SocketHub("/")]
public sealed partial class PingHub : SocketHub<IPingClient>, IPingEvents
{
    /// <inheritdoc />
    public async Task<Pong> Ping(Ping ping)
    {
        await Clients.Others.Pinged(ping);
        return new Pong(ping.Seq, ping.Text, "aot");
    }
}

/// <summary>System.Text.Json metadata for every type the hub sends or receives (no reflection at run time).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, RespectNullableAnnotations = true)]
[JsonSerializable(typeof(Ping))]
[JsonSerializable(typeof(Pong))]
internal sealed partial class PingJsonContext : JsonSerializerContext;
