namespace TypedIo;

/// <summary>
/// Marks a <c>partial</c> class deriving from <see cref="SocketHub{TClient}"/> as the typed hub of a Socket.IO
/// namespace. The source generator adds the event dispatch, the typed emitters and the TypeScript declarations.
/// </summary>
/// <example>
/// <code>
/// [SocketHub("/chat")]
/// public sealed partial class ChatHub : SocketHub&lt;IChatClient&gt;, IChatHub { ... }
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class SocketHubAttribute : Attribute
{
    /// <summary>A hub for the main namespace <c>/</c>.</summary>
    public SocketHubAttribute()
        : this("/")
    {
    }

    /// <summary>A hub for the namespace <paramref name="namespace"/> (such as <c>/chat</c>).</summary>
    public SocketHubAttribute(string @namespace)
    {
        Namespace = @namespace;
    }

    /// <summary>The namespace served (ignored when <see cref="NamespacePattern"/> is set).</summary>
    public string Namespace { get; }

    /// <summary>
    /// A regular expression: the hub serves every namespace whose name matches (a dynamic namespace, created on the
    /// first connection to it).
    /// </summary>
    public string? NamespacePattern { get; set; }

    /// <summary>
    /// The System.Text.Json source-generated context (a <c>JsonSerializerContext</c>) whose options the server uses
    /// (<c>o.JsonSerializerOptions = new(ChatJsonContext.Default.Options)</c>). The generator reads its
    /// <c>[JsonSourceGenerationOptions]</c> (naming policy, <c>UseStringEnumConverter</c>, <c>DefaultIgnoreCondition</c>,
    /// <c>NumberHandling</c>) so that the TypeScript declarations match the JSON on the wire; without it they follow
    /// the server's default options (camelCase).
    /// </summary>
    public Type? JsonContext { get; set; }
}
