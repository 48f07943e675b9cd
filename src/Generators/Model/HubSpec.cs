namespace TypedIo.Generators.Model;

/// <summary>
/// Everything the emitters need to know about one <c>[SocketHub]</c> class: no Roslyn symbols or syntax, only
/// strings and equatable collections, so an unchanged hub is never emitted twice.
/// </summary>
/// <param name="ClassNamespace">The C# namespace of the hub class, empty for the global namespace.</param>
/// <param name="ClassName">The hub class name (top-level, not generic).</param>
/// <param name="Accessibility">"public" or "internal": the generated companion types follow the hub.</param>
/// <param name="NamespacePath">The Socket.IO namespace (such as <c>/chat</c>), or null for a pattern.</param>
/// <param name="NamespacePattern">A regular expression for a dynamic namespace, or null.</param>
/// <param name="TypeScriptPrefix">The prefix of the TypeScript interface names (<c>Chat</c> for <c>ChatHub</c>).</param>
/// <param name="Incoming">The client-to-server contract the hub implements.</param>
/// <param name="Outgoing">The server-to-client contract the hub emits.</param>
/// <param name="TypeScriptTypes">The TypeScript declarations of every contract type the two contracts use.</param>
internal sealed record HubSpec(
    string ClassNamespace,
    string ClassName,
    string Accessibility,
    string? NamespacePath,
    string? NamespacePattern,
    string TypeScriptPrefix,
    ContractSpec Incoming,
    ContractSpec Outgoing,
    EquatableArray<TsDeclaration> TypeScriptTypes)
{
    /// <summary>The authorization attributes of the hub class (checked at namespace connection), or null.</summary>
    public AuthorizationSpec? Authorization { get; init; }

    /// <summary>The named JSON Schemas the AsyncAPI document of the hub refers to (name, text in <c>Text</c>).</summary>
    public EquatableArray<TsDeclaration> Schemas { get; init; }

    /// <summary>The static methods that find a forbidden null inside a bound argument (see <c>NullChecks</c>).</summary>
    public EquatableArray<string> NullChecks { get; init; }

    /// <summary>The hub's fully qualified name, <c>global::</c> included.</summary>
    public string FullName => ClassNamespace.Length == 0 ? $"global::{ClassName}" : $"global::{ClassNamespace}.{ClassName}";
}

/// <summary>One event interface: its fully qualified name and its events, in declaration order.</summary>
internal sealed record ContractSpec(string InterfaceFullName, EquatableArray<EventSpec> Events);

/// <summary>
/// One event: a method of a contract interface.
/// </summary>
/// <param name="MethodName">The C# method name.</param>
/// <param name="WireName">The event name on the wire (camelCase of the method name, or <c>[Event("...")]</c>).</param>
/// <param name="Parameters">The parameters that travel on the wire, in order (the CancellationToken excluded).</param>
/// <param name="HasCancellationToken">Whether the method ends with a <c>CancellationToken</c> parameter.</param>
/// <param name="ReturnsValueTask">Whether the method returns ValueTask / ValueTask&lt;T&gt; (else Task / Task&lt;T&gt;).</param>
/// <param name="Ack">The type the ack carries, or null when the event has no ack.</param>
internal sealed record EventSpec(
    string MethodName,
    string WireName,
    EquatableArray<ParameterSpec> Parameters,
    bool HasCancellationToken,
    bool ReturnsValueTask,
    TypeRefSpec? Ack)
{
    /// <summary>The interface declaring the method (fully qualified), so the hub is called through it.</summary>
    public string DeclaringInterface { get; init; } = "";

    /// <summary>The authorization attributes of the contract method and of the hub's implementation, or null.</summary>
    public AuthorizationSpec? Authorization { get; init; }
}

/// <summary>
/// Authorization attributes as the emitter re-creates them: <c>[AllowAnonymous]</c> (any <c>IAllowAnonymous</c>) and
/// every attribute implementing <c>IAuthorizeData</c>.
/// </summary>
internal sealed record AuthorizationSpec(bool AllowAnonymous, EquatableArray<AttributeSpec> Authorize);

/// <summary>An attribute application as C# text: <c>new Type(ctor args) { Named = value }</c>.</summary>
/// <param name="TypeFullName">The attribute class, fully qualified.</param>
/// <param name="ConstructorArguments">Each constructor argument as a C# expression.</param>
/// <param name="NamedArguments">Each named argument as <c>Name = expression</c>.</param>
internal sealed record AttributeSpec(string TypeFullName, EquatableArray<string> ConstructorArguments, EquatableArray<string> NamedArguments);

/// <summary>A wire parameter.</summary>
/// <param name="Name">The C# parameter name (also used in the TypeScript signature).</param>
/// <param name="Type">Its type.</param>
/// <param name="IsRest">A trailing <c>params JsonNode?[]</c>: every remaining wire argument.</param>
internal sealed record ParameterSpec(string Name, TypeRefSpec Type, bool IsRest)
{
    /// <summary>The generated method finding a forbidden null inside the argument, or null when none can hide there.</summary>
    public string? NullCheck { get; init; }
}

/// <summary>A type as each side spells it.</summary>
/// <param name="CSharp">The fully qualified C# type (<c>global::</c>, nullable annotation included).</param>
/// <param name="IsNullable">Whether null is a valid value (a nullable value type or an annotated reference type).</param>
/// <param name="TypeScriptOut">The TypeScript type of a value the server sends.</param>
/// <param name="TypeScriptIn">The TypeScript type of a value the client sends (differs for binary: a view is accepted too).</param>
internal sealed record TypeRefSpec(string CSharp, bool IsNullable, string TypeScriptOut, string TypeScriptIn)
{
    /// <summary>The JSON Schema of the value on the wire (for the AsyncAPI document); <c>{}</c> when anything goes.</summary>
    public string Schema { get; init; } = "{}";
}

/// <summary>A named TypeScript declaration (interface, type alias) that contract types need.</summary>
/// <param name="Name">The declared name (used to sort and to detect two C# types claiming one name).</param>
/// <param name="SourceType">The C# type it was made from (fully qualified), for diagnostics.</param>
/// <param name="Text">The full declaration text, <c>export ...</c>, ending with a newline.</param>
internal sealed record TsDeclaration(string Name, string SourceType, string Text);
