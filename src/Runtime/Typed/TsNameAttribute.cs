namespace TypedIo;

/// <summary>
/// Gives a contract type (class, record, struct, enum) its name in the generated TypeScript declarations. Without it,
/// the name is the C# simple name (<c>Outer_Inner</c> for a nested type); a name TypeScript or the declarations
/// themselves use (<c>Record</c>, <c>ArrayBuffer</c>, <c>string</c>...) is renamed with a number and reported (TIO015).
/// </summary>
/// <example><c>[TsName("AuditRecord")] public sealed record Record(string Id);</c></example>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct | AttributeTargets.Enum | AttributeTargets.Interface, AllowMultiple = false, Inherited = false)]
public sealed class TsNameAttribute(string name) : Attribute
{
    /// <summary>The name of the type's TypeScript declaration.</summary>
    public string Name { get; } = name;
}
