using Microsoft.CodeAnalysis;

namespace TypedIo.Generators;

/// <summary>
/// The generator's diagnostics. Ids are stable and never reused; each has a section in docs/diagnostics.md.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "TypedIo";

    private static DiagnosticDescriptor Create(string id, string title, string message, DiagnosticSeverity severity) =>
        new(id, title, message, Category, severity, isEnabledByDefault: true,
            helpLinkUri: $"https://github.com/typedio/typedio/blob/main/docs/diagnostics.md#{id.ToLowerInvariant()}");

    public static readonly DiagnosticDescriptor HubNotPartial = Create("TIO001",
        "A hub must be partial",
        "The hub '{0}' must be declared 'partial' so that the generator can add its dispatch and emitters",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor HubWithoutClientContract = Create("TIO002",
        "A hub must derive from SocketHub<TClient>",
        "The hub '{0}' must derive from SocketHub<TClient>, where TClient is its server-to-client event interface",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor HubShapeUnsupported = Create("TIO003",
        "A hub must be a top-level, non-generic class",
        "The hub '{0}' must be a top-level, non-generic, non-abstract class",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor DuplicateEventName = Create("TIO004",
        "Two events share a wire name",
        "'{0}' and '{1}' both travel as event '{2}' ({3}); give one of them another [Event] name",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor UnsupportedReturnType = Create("TIO005",
        "Unsupported event return type",
        "'{0}' returns '{1}'; an event method returns Task or ValueTask (no ack), or Task<T> or ValueTask<T> (an ack carrying T)",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor MisplacedCancellationToken = Create("TIO006",
        "A CancellationToken must be the last parameter",
        "'{0}' has a CancellationToken that is not its last parameter, or more than one",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor UnsupportedParameter = Create("TIO007",
        "Unsupported event parameter",
        "Parameter '{0}' of '{1}' is not supported: {2}",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor GenericEventMethod = Create("TIO008",
        "Event methods cannot be generic",
        "'{0}' is generic; an event method has fixed parameter types",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor InvalidEventName = Create("TIO009",
        "Invalid event name",
        "'{0}' travels as '{1}', which {2}",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor InvalidNamespace = Create("TIO012",
        "Invalid namespace",
        "The hub '{0}' serves '{1}', which {2}",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor NonContractMember = Create("TIO013",
        "Contract interfaces declare only event methods",
        "'{0}' is not an event method; a contract interface declares only methods (no properties, events or static members)",
        DiagnosticSeverity.Error);
}
