using System.Text.Json;
using System.Text.Json.Serialization;
using TypedIo.Tests.SocketIo;

namespace TypedIo.Tests.Typed;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, RespectNullableAnnotations = true)]
[JsonSerializable(typeof(Note))]
[JsonSerializable(typeof(JoinReply))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(int?))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(bool))]
internal sealed partial class NoteJsonContext : JsonSerializerContext;

/// <summary>
/// With a source-generated JsonSerializerContext as the server's only resolver (what a trimmed or Native AOT app
/// configures), hub arguments and acks go through the generated metadata, without reflection.
/// </summary>
public sealed class SourceGeneratedJsonTests
{
    [Fact]
    public async Task Hub_arguments_and_acks_use_the_configured_context()
    {
        var probe = new HubProbe();
        await using var host = await HubTestHost.StartAsync(probe, o => o.JsonSerializerOptions = new JsonSerializerOptions(NoteJsonContext.Default.Options));
        var (client, _) = await HubTestHost.JoinNotesAsync(host, probe);
        using (client)
        {
            await client.SendAsync("""42/notes,["post",{"room":"r","text":"ctx","priority":5}]""");
            Assert.Equal(new Note("r", "ctx", 5), await probe.Notes.NextAsync());

            await client.SendAsync("""42/notes,3["join","lobby"]""");
            Assert.Equal("""43/notes,3[{"room":"lobby","members":1}]""", await client.ReceiveAsync());

            // The context's options enforce nullable annotations too: a null text is refused.
            await client.SendAsync("""42/notes,4["post",{"room":"r","text":null,"priority":5}]""");
            Assert.StartsWith("""43/notes,4[{"error":{"code":"invalid_arguments""", await client.ReceiveAsync(), StringComparison.Ordinal);
            await client.SendAsync("""42/notes,5["maybe","abcd"]""");
            Assert.Equal("""43/notes,5[4]""", await client.ReceiveAsync());
        }

        var options = host.Services.GetRequiredSocketIo().Parser is TypedIo.SocketIo.JsonPacketParser parser ? parser.SerializerOptions : null;
        Assert.NotNull(options);
        Assert.IsNotType<System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver>(options.TypeInfoResolver);
    }
}
