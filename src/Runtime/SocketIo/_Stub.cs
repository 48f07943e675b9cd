#pragma warning disable CS1591
using System.Text.Json;
using System.Text.Json.Nodes;
namespace TypedIo.SocketIo;
internal static class BinaryPlaceholders
{
    public static JsonNode? ToNode(JsonElement element, IReadOnlyList<byte[]> attachments) => JsonNode.Parse(element.GetRawText());
}
public sealed class JsonPacketParser : IPacketParser
{
    public JsonPacketParser(System.Text.Json.JsonSerializerOptions? options = null, int maxAttachments = 10, int maxDepth = 32) { }
    public IPacketDecoder CreateDecoder() => throw new NotImplementedException();
    public EncodedPacket EncodeEvent(string nsp, string eventName, ReadOnlySpan<object?> args, long? ackId = null) => throw new NotImplementedException();
    public EncodedPacket EncodeAck(string nsp, long ackId, ReadOnlySpan<object?> args) => throw new NotImplementedException();
    public EncodedPacket EncodeConnect(string nsp, object? data) => throw new NotImplementedException();
    public EncodedPacket EncodeConnectError(string nsp, string message, object? data = null) => throw new NotImplementedException();
    public EncodedPacket EncodeDisconnect(string nsp) => throw new NotImplementedException();
}
