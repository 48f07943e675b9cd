using System.Text.Json.Serialization;

namespace TypedIo.SocketIo;

/// <summary>Source-generated metadata for the few types the parser creates JSON nodes of.</summary>
[JsonSerializable(typeof(byte[]))]
internal sealed partial class ParserJsonContext : JsonSerializerContext;
