namespace TypedIo;

/// <summary>
/// Gives a contract method its event name on the wire. Without it, the name is the camelCase method name
/// (<c>SendMessage</c> travels as <c>sendMessage</c>).
/// </summary>
/// <example><c>[Event("typing")] Task SetTyping(bool on);</c></example>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class EventAttribute(string name) : Attribute
{
    /// <summary>The event name on the wire.</summary>
    public string Name { get; } = name;
}
