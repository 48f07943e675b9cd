using System.Text.Json;
using System.Text.Json.Serialization;

namespace TypedIo.Tests.Typed;

public enum WireLevel { Low, High }

[JsonConverter(typeof(JsonStringEnumConverter<WireMood>))]
public enum WireMood { Happy, Sad }

public sealed record WirePoint(int X, int Y);

/// <summary>
/// One echo per supported C# type: the table of docs/typed-hubs.md (C# → TypeScript → JSON → what the client
/// receives) is checked against this hub, its generated declarations and the real client (WireTypesTableTests).
/// </summary>
public interface IWireTypesHub
{
    [Event("bool")] Task<bool> Bool(bool value);
    [Event("int")] Task<int> Int(int value);
    [Event("long")] Task<long> Long(long value);
    [Event("double")] Task<double> Double(double value);
    [Event("float")] Task<float> Float(float value);
    [Event("decimal")] Task<decimal> Decimal(decimal value);
    [Event("byte")] Task<byte> Byte(byte value);
    [Event("char")] Task<char> Char(char value);
    [Event("string")] Task<string> String(string value);
    [Event("string?")] Task<string?> NullableString(string? value);
    [Event("int?")] Task<int?> NullableInt(int? value);
    [Event("Guid")] Task<Guid> Guid(Guid value);
    [Event("DateTime")] Task<DateTime> DateTime(DateTime value);
    [Event("DateTimeOffset")] Task<DateTimeOffset> DateTimeOffset(DateTimeOffset value);
    [Event("DateOnly")] Task<DateOnly> DateOnly(DateOnly value);
    [Event("TimeOnly")] Task<TimeOnly> TimeOnly(TimeOnly value);
    [Event("TimeSpan")] Task<TimeSpan> TimeSpan(TimeSpan value);
    [Event("Uri")] Task<Uri> Uri(Uri value);
    [Event("enum")] Task<WireLevel> Enum(WireLevel value);
    [Event("string enum")] Task<WireMood> StringEnum(WireMood value);
    [Event("byte[]")] Task<byte[]> Bytes(byte[] value);
    [Event("ReadOnlyMemory<byte>")] Task<ReadOnlyMemory<byte>> Memory(ReadOnlyMemory<byte> value);
    [Event("int[]")] Task<int[]> Ints(int[] value);
    [Event("List<string>")] Task<List<string>> Strings(List<string> value);
    [Event("Dictionary<string, int>")] Task<Dictionary<string, int>> Map(Dictionary<string, int> value);
    [Event("record")] Task<WirePoint> Record(WirePoint value);
    [Event("JsonElement")] Task<JsonElement> Json(JsonElement value);
}

public interface IWireTypesClient
{
}

[SocketHub("/wire-types")]
internal sealed partial class WireTypesHub : SocketHub<IWireTypesClient>, IWireTypesHub
{
    public Task<bool> Bool(bool value) => Task.FromResult(value);
    public Task<int> Int(int value) => Task.FromResult(value);
    public Task<long> Long(long value) => Task.FromResult(value);
    public Task<double> Double(double value) => Task.FromResult(value);
    public Task<float> Float(float value) => Task.FromResult(value);
    public Task<decimal> Decimal(decimal value) => Task.FromResult(value);
    public Task<byte> Byte(byte value) => Task.FromResult(value);
    public Task<char> Char(char value) => Task.FromResult(value);
    public Task<string> String(string value) => Task.FromResult(value);
    public Task<string?> NullableString(string? value) => Task.FromResult(value);
    public Task<int?> NullableInt(int? value) => Task.FromResult(value);
    public Task<Guid> Guid(Guid value) => Task.FromResult(value);
    public Task<DateTime> DateTime(DateTime value) => Task.FromResult(value);
    public Task<DateTimeOffset> DateTimeOffset(DateTimeOffset value) => Task.FromResult(value);
    public Task<DateOnly> DateOnly(DateOnly value) => Task.FromResult(value);
    public Task<TimeOnly> TimeOnly(TimeOnly value) => Task.FromResult(value);
    public Task<TimeSpan> TimeSpan(TimeSpan value) => Task.FromResult(value);
    public Task<Uri> Uri(Uri value) => Task.FromResult(value);
    public Task<WireLevel> Enum(WireLevel value) => Task.FromResult(value);
    public Task<WireMood> StringEnum(WireMood value) => Task.FromResult(value);
    public Task<byte[]> Bytes(byte[] value) => Task.FromResult(value);
    public Task<ReadOnlyMemory<byte>> Memory(ReadOnlyMemory<byte> value) => Task.FromResult(value);
    public Task<int[]> Ints(int[] value) => Task.FromResult(value);
    public Task<List<string>> Strings(List<string> value) => Task.FromResult(value);
    public Task<Dictionary<string, int>> Map(Dictionary<string, int> value) => Task.FromResult(value);
    public Task<WirePoint> Record(WirePoint value) => Task.FromResult(value);
    public Task<JsonElement> Json(JsonElement value) => Task.FromResult(value);
}
